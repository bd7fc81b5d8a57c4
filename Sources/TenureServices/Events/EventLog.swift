import Foundation
import TenureCore
import TenureJSON

/// `GET /v1/events`: the log, oldest first, kept `retentionDays` (with the deliveries and runs of each event, and longer
/// while one of them is pending).
public struct EventLog: Sendable {
    let storage: any Storage
    var retentionDays = 90

    /// `TENURE_EVENT_RETENTION_DAYS`: at least a week.
    public static let minimumRetentionDays = 7

    /// Deletes what is past its retention; how many events went.
    @discardableResult
    public func prune(now: Date) async throws -> Int {
        let cutoff = now.addingTimeInterval(-Double(max(retentionDays, Self.minimumRetentionDays)) * 86_400)
        return try await storage.write { tx in try await tx.events.prune(createdBefore: cutoff) }
    }

    public func list(_ filter: EventFilter, startingAfter: String?, page: PageRequest) async throws -> Page<Event> {
        try await storage.read { tx in
            var page = page
            if let startingAfter {
                guard let event = try await tx.events.find(id: startingAfter) else {
                    throw ValidationError("starting_after", "no event has this id")
                }
                page.after = PageCursor(seq: Int64(event.sequence))
            }
            return try await tx.events.list(filter, page)
        }
    }

    public func get(_ id: String) async throws -> Event {
        let event = try await storage.read { tx in try await tx.events.find(id: id) }
        guard let event else { throw ServiceError.notFound(resource: "event", id: id) }
        return event
    }

    /// Records the renderings of events that had none; an event rendered meanwhile keeps the first. Answers the events
    /// as stored.
    public func freeze(_ rendered: [EventRendering]) async throws -> [Event] {
        guard !rendered.isEmpty else { return [] }
        return try await storage.write { tx in
            for rendering in rendered { try await tx.events.freeze(rendering) }
            return try await tx.events.find(ids: rendered.map(\.id))
        }
    }
}
