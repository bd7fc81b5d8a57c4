import Foundation
import TenureCore

/// One attempt to make: the delivery, its endpoint as it is now (none for an automation's notification), and its event.
public struct DeliveryJob: Sendable {
    public var delivery: EventDelivery
    public var endpoint: WebhookEndpoint?
    public var event: Event
}

/// The deliveries' durable queue (`EVENTS.md`, "Retries", "Order", "Disabling"): a worker claims what is due, makes the
/// attempts, and records each outcome here, one commit per attempt.
public struct DeliveryQueue: Sendable {
    let storage: any Storage
    let clock: Clock
    let settings: OutboundSettings

    /// How long a claimed attempt is held from other workers: longer than an attempt can take, so that only a worker that
    /// stopped (a crash) leaves one to be made again.
    public static let lease: TimeInterval = 30

    /// Claims the due deliveries `select` picks (the worker's room per endpoint) from those the order lets go, soonest due
    /// first, none of the endpoints `excluding` names (those the worker holds enough of). A read first: most calls find
    /// nothing due and write nothing.
    public func claim(
        limit: Int,
        excluding: Set<String>,
        select: @escaping @Sendable ([EventDelivery]) -> [EventDelivery]
    ) async throws -> [DeliveryJob] {
        let now = clock.now()
        let due = try await storage.read { tx in try await tx.webhookDeliveries.due(at: now, limit: limit, excluding: excluding, claiming: false) }
        guard !select(due).isEmpty else { return [] }
        return try await storage.write { tx in
            var taken: [EventDelivery] = []
            for var delivery in select(try await tx.webhookDeliveries.due(at: now, limit: limit, excluding: excluding, claiming: true)) {
                delivery.nextAttemptAt = now.addingTimeInterval(Self.lease)
                try await tx.webhookDeliveries.update(delivery)
                taken.append(delivery)
            }
            guard !taken.isEmpty else { return [] }
            let events = Dictionary(try await tx.events.find(ids: Array(Set(taken.map(\.eventID)))).map { ($0.id, $0) }) { first, _ in first }
            var endpoints: [String: WebhookEndpoint] = [:]
            for id in Set(taken.filter { $0.url == nil }.map(\.endpointID)) { endpoints[id] = try await tx.webhookEndpoints.find(id: id) }
            return taken.compactMap { delivery in
                guard let event = events[delivery.eventID] else { return nil }
                if delivery.url != nil { return DeliveryJob(delivery: delivery, endpoint: nil, event: event) }
                guard let endpoint = endpoints[delivery.endpointID] else { return nil }
                return DeliveryJob(delivery: delivery, endpoint: endpoint, event: event)
            }
        }
    }

    /// Records an attempt: success ends the delivery and the endpoint's run of failures; a failure schedules the next
    /// attempt or ends it `exhausted`, and disables an endpoint failing for `DeliverySchedule.failingPeriod`.
    public func record(_ attempt: DeliveryAttempt, of deliveryID: String) async throws {
        let schedule = settings.schedule
        try await storage.write { tx in
            guard var delivery = try await tx.webhookDeliveries.lock(id: deliveryID) else { return }
            delivery.attempts.append(attempt)
            guard delivery.status == .pending else {
                try await tx.webhookDeliveries.update(delivery)
                return
            }
            let stored = try await tx.webhookEndpoints.lock(id: delivery.endpointID)
            var endpoint = stored
            if attempt.succeeded {
                delivery.status = .succeeded
                delivery.failureReason = nil
                delivery.nextAttemptAt = nil
                if endpoint?.failingSince != nil { endpoint?.failingSince = nil }
            } else {
                if !delivery.manual { delivery.failures += 1 }
                let next = delivery.manual ? nil : schedule.nextAttempt(afterFailures: delivery.failures, at: attempt.at)
                delivery.nextAttemptAt = next
                if next == nil {
                    delivery.status = .failed
                    delivery.failureReason = .exhausted
                }
                if endpoint?.failingSince == nil { endpoint?.failingSince = attempt.at }
            }
            delivery.manual = false
            try await tx.webhookDeliveries.update(delivery)
            guard var endpoint else { return }
            if let since = endpoint.failingSince, endpoint.status == .enabled, !attempt.succeeded,
                schedule.disables(failingSince: since, failureAt: attempt.at)
            {
                endpoint.status = .disabled
                endpoint.disabledReason = .failing
                try await tx.webhookDeliveries.fail(pendingOf: endpoint.id, reason: .endpointDisabled)
                try await tx.outbox.caused(by: EventSource(.delivery, id: deliveryID)) {
                    tx.emit(
                        NewEvent(
                            .webhookEndpointDisabled,
                            account: nil,
                            at: attempt.at,
                            subject: EventSubject(.webhookEndpoint, endpoint.id),
                            previous: .object(["status": .string("enabled")])
                        ),
                        now: attempt.at
                    )
                }
            }
            guard endpoint != stored else { return }
            endpoint.updatedAt = max(endpoint.updatedAt, attempt.at)
            try await tx.webhookEndpoints.update(endpoint)
        }
    }

    /// Whether the endpoint still takes deliveries: those claimed ahead were ended if it was disabled or deleted since.
    public func isEnabled(_ endpointID: String) async throws -> Bool {
        try await storage.read { tx in try await tx.webhookEndpoints.find(id: endpointID)?.status == .enabled }
    }

    public func pendingCount() async throws -> Int { try await storage.read { tx in try await tx.webhookDeliveries.pendingCount() } }
}
