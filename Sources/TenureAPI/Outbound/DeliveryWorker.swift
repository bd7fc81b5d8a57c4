import Foundation
import Logging
import Metrics
import NIOConcurrencyHelpers
import ServiceLifecycle
import TenureCore
import TenureServices

/// Sends what the delivery queue holds, in the background (`EVENTS.md`): due attempts start within a second, at most
/// `perEndpoint` requests at once to one endpoint, each outcome committed before the next attempt of its delivery. It
/// claims ahead (up to `claimedPerEndpoint` per endpoint, `claimedInAll` in all) so that one endpoint's requests follow
/// each other without a claim between them; the order holds since a claim never takes two deliveries of one account's
/// queue. A slow or failing receiver holds only its own queue; the API never waits for any of it.
struct DeliveryWorker: Service {
    let queue: DeliveryQueue
    let rendering: EventRenderer
    let sender: WebhookSender
    let clock: Clock
    let logger: Logger
    var perEndpoint = 8
    var claimedPerEndpoint = 64
    var claimedInAll = 512
    /// How often the queue is asked for due attempts when there was nothing to do.
    var idlePoll: Duration = .milliseconds(200)

    private static let outcomes = Dictionary(
        uniqueKeysWithValues: ["succeeded", "failed"].map { ($0, Counter(label: "tenure_webhook_delivery_attempts", dimensions: [("outcome", $0)])) }
    )
    private static let pending = Gauge(label: "tenure_webhook_deliveries_pending")

    func run() async throws {
        let claimed = InFlight()
        let slots = EndpointSlots(perEndpoint: perEndpoint)
        let enabled = EndpointCheck(queue: queue)
        let wakeup = Wakeup()
        await cancelWhenGracefulShutdown {
            await withTaskGroup(of: Void.self) { group in
                var lastGauge = ContinuousClock.now - .seconds(10)
                while !Task.isCancelled {
                    var jobs: [DeliveryJob] = []
                    let room = min(claimedPerEndpoint, claimedInAll - claimed.count)
                    if room > 0 {
                        do {
                            let held = claimed.counts
                            // An endpoint is topped up once a quarter of what it holds was sent: one claim per batch.
                            let full = Set(held.filter { $0.value > claimedPerEndpoint * 3 / 4 }.keys)
                            jobs = try await queue.claim(limit: room, excluding: full) { [claimedPerEndpoint] due in
                                var taken = held
                                return due.filter { delivery in
                                    guard taken[delivery.endpointID, default: 0] < claimedPerEndpoint else { return false }
                                    taken[delivery.endpointID, default: 0] += 1
                                    return true
                                }
                            }
                            jobs = try await rendered(jobs)
                        } catch {
                            logger.error("webhooks.claim_failed", metadata: ["error": "\(error)"])
                        }
                    }
                    for job in jobs {
                        claimed.add(job.delivery.endpointID)
                        group.addTask {
                            await slots.acquire(job.delivery.endpointID)
                            // Claimed ahead: not sent if its endpoint was disabled or deleted since (its deliveries ended).
                            var send = true
                            if job.endpoint != nil { send = (try? await enabled.check(job.delivery.endpointID)) ?? true }
                            if send { await attempt(job) }
                            await slots.release(job.delivery.endpointID)
                            claimed.release(job.delivery.endpointID)
                            wakeup.signal()
                        }
                    }
                    if ContinuousClock.now - lastGauge > .seconds(5) {
                        lastGauge = ContinuousClock.now
                        if let count = try? await queue.pendingCount() { Self.pending.record(count) }
                    }
                    // Nothing to start: until an attempt ends (its account's next event may go) or the next poll.
                    if jobs.isEmpty { await wakeup.wait(upTo: idlePoll) }
                }
                group.cancelAll()
            }
        }
        await sender.shutdown()
    }

    /// The jobs with their events' `data.object` rendered, all in one pass (one write freezes them).
    private func rendered(_ jobs: [DeliveryJob]) async throws -> [DeliveryJob] {
        let events = Dictionary(try await rendering.rendered(jobs.filter { $0.endpoint != nil }.map(\.event)).map { ($0.id, $0) }) { first, _ in first
        }
        return jobs.map { job in
            var job = job
            job.event = events[job.event.id] ?? job.event
            return job
        }
    }

    /// One attempt: the event's bytes signed with the endpoint's secrets (or a notification's, unsigned), sent, and its
    /// outcome recorded.
    private func attempt(_ job: DeliveryJob) async {
        let start = clock.now()
        do {
            var headers = [("Content-Type", "application/json"), ("User-Agent", "Tenure-Webhooks/1")]
            let url: String
            let body: [UInt8]
            if let endpoint = job.endpoint {
                url = endpoint.url
                body = try await rendering.body(of: job.event)
                let timestamp = Int64(start.timeIntervalSince1970)
                let signatures = endpoint.signingSecrets(at: start).compactMap {
                    StandardWebhookSignature.sign(id: job.event.id, timestamp: timestamp, body: body, secret: $0)
                }
                headers += [
                    ("webhook-id", job.event.id), ("webhook-timestamp", String(timestamp)), ("webhook-signature", signatures.joined(separator: " ")),
                ]
            } else {
                // An automation's notification: unsigned, Slack or Teams style.
                url = job.delivery.url ?? ""
                body = Array((job.delivery.body ?? "{}").utf8)
            }
            let outcome = await sender.send(to: url, headers: headers, body: body)
            let attempt = DeliveryAttempt(
                at: start,
                statusCode: outcome.statusCode,
                durationMS: Int(clock.now().timeIntervalSince(start) * 1000),
                error: outcome.error,
                manual: job.delivery.manual
            )
            Self.outcomes[attempt.succeeded ? "succeeded" : "failed"]?.increment()
            try await queue.record(attempt, of: job.delivery.id)
        } catch {
            // Left claimed: the attempt is made again when the claim lapses.
            logger.error("webhooks.attempt_failed", metadata: ["delivery.id": "\(job.delivery.id)", "error": "\(error)"])
        }
    }
}

/// Whether an endpoint is still enabled, read at most every `every` for each endpoint.
private actor EndpointCheck {
    let queue: DeliveryQueue
    let every: Duration = .milliseconds(100)
    private var known: [String: (enabled: Bool, at: ContinuousClock.Instant)] = [:]

    init(queue: DeliveryQueue) { self.queue = queue }

    func check(_ endpointID: String) async throws -> Bool {
        if let seen = known[endpointID], ContinuousClock.now - seen.at < every { return seen.enabled }
        let enabled = try await queue.isEnabled(endpointID)
        known[endpointID] = (enabled, ContinuousClock.now)
        return enabled
    }
}

/// At most `perEndpoint` requests at once to one endpoint; the others wait their turn, first come first served.
private actor EndpointSlots {
    let perEndpoint: Int
    private var busy: [String: Int] = [:]
    private var waiting: [String: [CheckedContinuation<Void, Never>]] = [:]

    init(perEndpoint: Int) { self.perEndpoint = perEndpoint }

    func acquire(_ endpointID: String) async {
        if busy[endpointID, default: 0] < perEndpoint {
            busy[endpointID, default: 0] += 1
            return
        }
        await withCheckedContinuation { waiting[endpointID, default: []].append($0) }
    }

    /// Hands the slot to the next waiter, or frees it.
    func release(_ endpointID: String) {
        if var queue = waiting[endpointID], !queue.isEmpty {
            let next = queue.removeFirst()
            waiting[endpointID] = queue.isEmpty ? nil : queue
            next.resume()
            return
        }
        busy[endpointID, default: 1] -= 1
        if busy[endpointID] == 0 { busy[endpointID] = nil }
    }
}

/// Deliveries claimed and not yet recorded, in all and per endpoint.
private final class InFlight: Sendable {
    private let box = NIOLockedValueBox<[String: Int]>([:])

    var counts: [String: Int] { box.withLockedValue { $0 } }
    var count: Int { box.withLockedValue { $0.values.reduce(0, +) } }

    func add(_ endpointID: String) { box.withLockedValue { $0[endpointID, default: 0] += 1 } }

    func release(_ endpointID: String) {
        box.withLockedValue { counts in
            counts[endpointID, default: 1] -= 1
            if counts[endpointID] == 0 { counts[endpointID] = nil }
        }
    }
}

/// Wakes a waiting loop early: `wait(upTo:)` returns at the first `signal()` or when the time is up; a signal with no one
/// waiting is kept for the next wait.
final class Wakeup: Sendable {
    private let state = NIOLockedValueBox<(signaled: Bool, waiter: CheckedContinuation<Void, Never>?)>((false, nil))

    func signal() {
        let waiter = state.withLockedValue { state -> CheckedContinuation<Void, Never>? in
            guard let waiter = state.waiter else {
                state.signaled = true
                return nil
            }
            state.waiter = nil
            return waiter
        }
        waiter?.resume()
    }

    func wait(upTo timeout: Duration) async {
        await withTaskGroup(of: Void.self) { group in
            group.addTask { [self] in
                try? await Task.sleep(for: timeout)
                signal()
            }
            await withCheckedContinuation { continuation in
                let now = state.withLockedValue { state -> Bool in
                    if state.signaled {
                        state.signaled = false
                        return true
                    }
                    state.waiter = continuation
                    return false
                }
                if now { continuation.resume() }
            }
            group.cancelAll()
        }
    }
}
