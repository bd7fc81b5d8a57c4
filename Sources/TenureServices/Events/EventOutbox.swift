import Foundation
import TenureCore

/// The events a write records, held until its body returns and then stored with it (`record`): an event exists if and
/// only if its change committed. A backend makes one per write transaction.
///
/// Not `Sendable`: it belongs to one transaction, used by one task.
public final class EventOutbox {
    private var source: EventSource
    private(set) var pending: [NewEvent] = []
    /// The write's time: the events' `created_at`.
    private var now: Date?

    public init(source: EventSource = EventSource.current) { self.source = source }

    func add(_ event: NewEvent, now: Date) {
        var event = event
        event.source = source
        pending.append(event)
        self.now = max(self.now ?? now, now)
    }

    /// Runs `body` with the events it records caused by `source` (one inbound webhook of several in a write).
    public func caused<T>(by source: EventSource, _ body: () async throws -> T) async rethrows -> T {
        let outer = self.source
        self.source = source
        defer { self.source = outer }
        return try await body()
    }

    /// Runs `body` so that the events it adds are dropped when it throws, as its changes are.
    public func nested<T>(_ body: () async throws -> T) async throws -> T {
        let mark = pending.count
        do {
            return try await body()
        } catch {
            pending.removeSubrange(mark...)
            throw error
        }
    }

    /// Stores the pending events in `tx`, the last thing a write does: per account (in the order accounts first
    /// appeared), in the catalogue's order, then by `occurred_at`; with a delivery of each to every endpoint enabled for
    /// it and a run of each automation it triggers. The sequence is taken under one lock held to the commit, so that it is commit order.
    public func record(in tx: any Transaction) async throws {
        guard !pending.isEmpty, let now else { return }
        var firstSeen: [String: Int] = [:]
        for (index, event) in pending.enumerated() where firstSeen[event.accountID ?? ""] == nil { firstSeen[event.accountID ?? ""] = index }
        let ordered = pending.enumerated().sorted { left, right in
            let (a, b) = (left.element, right.element)
            let keys = (firstSeen[a.accountID ?? ""] ?? 0, a.type.order, a.occurredAt, left.offset)
            let otherKeys = (firstSeen[b.accountID ?? ""] ?? 0, b.type.order, b.occurredAt, right.offset)
            return keys < otherKeys
        }.map(\.element)
        pending = []
        // The endpoints before the log's lock, in the order a disabling takes them (endpoint, then log): no deadlock.
        let listeners = try await tx.events.listeners()
        let endpoints = listeners.endpoints ? try await WebhookDeliveries.endpoints(in: tx) : []
        try await tx.lock(.eventLog)
        let stored = try await tx.events.append(ordered, at: now)
        try await WebhookDeliveries.fanOut(stored, to: endpoints, in: tx, at: now)
        if listeners.automations { try await AutomationRuns.start(stored, in: tx, at: now) }
    }
}

extension Transaction {
    /// Records `event` with this write (`EventOutbox`).
    func emit(_ event: NewEvent, now: Date) { outbox.add(event, now: now) }
}
