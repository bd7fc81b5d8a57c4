import Foundation
import SQLiteStore
import TenureCore
import TenureServices

struct SQLWebhookEventRecords: WebhookEventRecords {
    let db: any SQLConnection

    func claim(_ event: WebhookEvent) async throws -> Bool {
        try await db.first(
            """
            INSERT INTO webhook_events (id, source, event_id, type, occurred_at, received_at, status, error, attempts, payload, waiting_for)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (source, event_id) DO NOTHING RETURNING 1 AS claimed
            """,
            [
                event.id, event.source.rawValue, event.eventID, event.type, event.occurredAt?.stored, event.receivedAt.stored, event.status.rawValue,
                event.error, event.attempts, event.payload, event.waitingFor,
            ]
        ) != nil
    }

    func update(_ event: WebhookEvent) async throws {
        try await db.query(
            "UPDATE webhook_events SET status = ?, error = ?, attempts = ?, occurred_at = ?, waiting_for = ? WHERE id = ?",
            [event.status.rawValue, event.error, event.attempts, event.occurredAt?.stored, event.waitingFor, event.id]
        )
    }

    func find(id: String) async throws -> WebhookEvent? {
        try await db.first("SELECT * FROM webhook_events WHERE id = ?", [id], decode)
    }

    func lock(source: WebhookSource, eventID: String) async throws -> WebhookEvent? {
        try await db.first(
            "SELECT * FROM webhook_events WHERE source = ? AND event_id = ?\(db.dialect.lockingRows)",
            [source.rawValue, eventID],
            decode
        )
    }

    func list(_ filter: WebhookEventFilter, _ request: PageRequest) async throws -> Page<WebhookEvent> {
        var conditions = Conditions()
        conditions.add("source = ?", ifPresent: filter.source?.rawValue)
        conditions.add("status = ?", ifPresent: filter.status?.rawValue)
        conditions.add("type = ?", ifPresent: filter.type)
        conditions.add("seq < ?", request.after?.seq ?? Int64.max)
        let rows = try await db.query(
            "SELECT * FROM webhook_events \(conditions.sql) ORDER BY seq DESC LIMIT ?",
            conditions.parameters + [request.limit + 1]
        )
        let next = rows.count > request.limit ? rows[request.limit - 1].int("seq").map { PageCursor(seq: Int64($0)) } : nil
        return Page(items: rows.prefix(request.limit).map(decode), next: next)
    }

    func pending(waitingFor key: String) async throws -> [WebhookEvent] {
        try await db.map("SELECT * FROM webhook_events WHERE waiting_for = ? AND status = 'pending' ORDER BY occurred_at, event_id", [key], decode)
    }

    func failed(source: WebhookSource, errorPrefix: String) async throws -> [WebhookEvent] {
        try await db.map(
            """
            SELECT * FROM webhook_events WHERE status = 'failed' AND source = ? AND substr(error, 1, length(?)) = ?
            ORDER BY occurred_at, event_id
            """,
            [source.rawValue, errorPrefix, errorPrefix],
            decode
        )
    }

    func decode(_ row: Row) -> WebhookEvent {
        var event = WebhookEvent(
            id: row.string("id") ?? "",
            source: row.string("source").flatMap(WebhookSource.init(rawValue:)) ?? .crm,
            eventID: row.string("event_id") ?? "",
            type: row.string("type") ?? "",
            occurredAt: row.date("occurred_at"),
            receivedAt: row.date("received_at") ?? .distantPast,
            status: row.string("status").flatMap(WebhookStatus.init(rawValue:)) ?? .failed,
            error: row.string("error"),
            attempts: row.int("attempts") ?? 1,
            payload: row.blob("payload") ?? []
        )
        event.waitingFor = row.string("waiting_for")
        event.payloadPurgedAt = row.date("payload_purged_at")
        return event
    }
}
