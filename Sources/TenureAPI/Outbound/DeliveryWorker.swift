import Foundation
import Logging
import Metrics
import NIOConcurrencyHelpers
import ServiceLifecycle
import TenureCore
import TenureServices

/// Sends what the delivery queue holds, in the background (`EVENTS.md`): due attempts start within a second, at most
/// `perEndpoint` at once to one endpoint and `total` in all, each outcome committed before the next attempt of its
/// delivery. A slow or failing receiver holds only its own queue; the API never waits for any of it.
struct DeliveryWorker: Service {
    let queue: DeliveryQueue
    let rendering: EventRendering
    let sender: WebhookSender
    let clock: Clock
    let logger: Logger
    var total = 64
    var perEndpoint = 8
    /// How often the queue is asked for due attempts when there was nothing to do.
    var idlePoll: Duration = .milliseconds(200)

    private static let outcomes = Dictionary(
        uniqueKeysWithValues: ["succeeded", "failed"].map { ($0, Counter(label: "tenure_webhook_delivery_attempts", dimensions: [("outcome", $0)])) }
    )
    private static let pending = Gauge(label: "tenure_webhook_deliveries_pending")

    func run() async throws {
        let inFlight = InFlight()
        await cancelWhenGracefulShutdown {
            await withTaskGroup(of: Void.self) { group in
                var lastGauge = ContinuousClock.now - .seconds(10)
                while !Task.isCancelled {
                    let room = total - inFlight.count
                    var jobs: [DeliveryJob] = []
                    if room > 0 {
                        do {
                            let busy = inFlight.counts
                            jobs = try await queue.claim(limit: room) { [perEndpoint] due in
                                var taken = busy
                                return due.filter { delivery in
                                    guard taken[delivery.endpointID, default: 0] < perEndpoint else { return false }
                                    taken[delivery.endpointID, default: 0] += 1
                                    return true
                                }
                            }
                        } catch {
                            logger.error("webhooks.claim_failed", metadata: ["error": "\(error)"])
                        }
                    }
                    for job in jobs {
                        inFlight.add(job.delivery.endpointID)
                        group.addTask {
                            await attempt(job)
                            inFlight.release(job.delivery.endpointID)
                        }
                    }
                    if ContinuousClock.now - lastGauge > .seconds(5) {
                        lastGauge = ContinuousClock.now
                        if let count = try? await queue.pendingCount() { Self.pending.record(count) }
                    }
                    if jobs.isEmpty { try? await Task.sleep(for: idlePoll) }
                }
                group.cancelAll()
            }
        }
        await sender.shutdown()
    }

    /// One attempt: the event's bytes signed with the endpoint's secrets, sent, and its outcome recorded.
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

/// Attempts under way, in all and per endpoint.
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
