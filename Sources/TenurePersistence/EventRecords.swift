import Foundation
import SQLiteStore
import TenureCore
import TenureJSON
import TenureServices

struct SQLEventRecords: EventRecords {
    let db: any SQLConnection

    func append(_ events: [NewEvent], at now: Date) async throws -> [Event] {
        var stored: [Event] = []
        // Up to 16 rows a statement; each row's sequence comes back with its id.
        for chunk in events.chunks(of: 16) {
            let ids = chunk.map { _ in Identifier.make("evt", at: now) }
            let rows = Array(repeating: "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", count: chunk.count).joined(separator: ", ")
            let values = zip(ids, chunk).flatMap { id, event -> [any SQLiteBindable] in
                [
                    id, event.type.rawValue, event.accountID, now.stored, min(event.occurredAt, now).stored, event.source.kind.rawValue,
                    event.source.id, event.subject?.kind.rawValue, event.subject?.id, event.object?.canonicalText,
                    event.previous?.canonicalText, event.mergedAccountID,
                ]
            }
            let sequences = try await db.map(
                """
                INSERT INTO events (id, type, account_id, created_at, occurred_at, source_kind, source_id, subject_type, subject_id, object, previous,
                                    merged_account_id)
                VALUES \(rows) RETURNING id, sequence
                """,
                values
            ) { ($0.string("id") ?? "", $0.int("sequence") ?? 0) }
            let sequence = Dictionary(sequences) { first, _ in first }
            for (id, event) in zip(ids, chunk) {
                stored.append(
                    Event(
                        id: id,
                        sequence: sequence[id] ?? 0,
                        type: event.type,
                        accountID: event.accountID,
                        createdAt: now,
                        occurredAt: min(event.occurredAt, now),
                        source: event.source,
                        subject: event.subject,
                        object: event.object.map { RawJSON(StoredJSON.text($0)) },
                        previous: event.previous.map { RawJSON(StoredJSON.text($0)) },
                        mergedAccountID: event.mergedAccountID
                    )
                )
            }
        }
        return stored
    }

    func listeners() async throws -> (endpoints: Bool, automations: Bool) {
        let row = try await db.first(
            """
            SELECT CASE WHEN EXISTS (SELECT 1 FROM webhook_endpoints WHERE status = 'enabled' AND deleted_at IS NULL) THEN 1 ELSE 0 END AS endpoints,
                   CASE WHEN EXISTS (SELECT 1 FROM automations WHERE status = 'enabled' AND deleted_at IS NULL) THEN 1 ELSE 0 END AS automations
            """,
            []
        ) { ($0.bool("endpoints") ?? true, $0.bool("automations") ?? true) }
        return row ?? (true, true)
    }

    func find(id: String) async throws -> Event? {
        let event: Event?? = try await db.first("SELECT * FROM events WHERE id = ?", [id], decode)
        return event ?? nil
    }

    func find(ids: [String]) async throws -> [Event] {
        guard !ids.isEmpty else { return [] }
        let events: [Event?] = try await db.map("SELECT * FROM events WHERE id IN (\(placeholders(for: ids))) ORDER BY sequence", ids, decode)
        return events.compactMap { $0 }
    }

    func list(_ filter: EventFilter, _ request: PageRequest) async throws -> Page<Event> {
        var conditions = Conditions()
        if let types = filter.types { conditions.add("type IN (\(placeholders(for: types)))", values: types.map(\.rawValue)) }
        conditions.add("account_id = ?", ifPresent: filter.accountID)
        conditions.add("created_at > ?", ifPresent: filter.createdAfter?.stored)
        conditions.add("created_at < ?", ifPresent: filter.createdBefore?.stored)
        if let after = request.after { conditions.add("sequence > ?", after.seq) }
        let rows = try await db.query("SELECT * FROM events \(conditions.sql) ORDER BY sequence LIMIT ?", conditions.parameters + [request.limit + 1])
        let kept = rows.prefix(request.limit)
        let positions = kept.map { PageCursor(seq: Int64($0.int("sequence") ?? 0)) }
        return Page(items: kept.compactMap(decode), next: rows.count > request.limit ? positions.last : nil, positions: positions)
    }

    func prune(createdBefore cutoff: Date) async throws -> Int {
        let expired = """
            SELECT e.id FROM events e WHERE e.created_at < ?
              AND NOT EXISTS (SELECT 1 FROM webhook_deliveries d WHERE d.event_id = e.id AND d.status = 'pending')
              AND NOT EXISTS (SELECT 1 FROM automation_runs r WHERE r.event_id = e.id AND r.status IN ('pending', 'running', 'waiting'))
            """
        try await db.query("DELETE FROM webhook_deliveries WHERE event_id IN (\(expired))", [cutoff.stored])
        try await db.query("DELETE FROM automation_runs WHERE event_id IN (\(expired))", [cutoff.stored])
        return try await db.query("DELETE FROM events WHERE id IN (\(expired)) RETURNING id", [cutoff.stored]).count
    }

    func freeze(_ rendering: EventRendering) async throws {
        let text = { (json: RawJSON) in String(decoding: json.bytes, as: UTF8.self) }
        try await db.query(
            "UPDATE events SET object = ?, merged_account = ? WHERE id = ? AND object IS NULL",
            [text(rendering.object), rendering.mergedAccount.map(text), rendering.id]
        )
    }

    func decode(_ row: Row) -> Event? {
        guard let type = row.string("type").flatMap(EventType.init(rawValue:)),
            let kind = row.string("source_kind").flatMap(EventSourceKind.init(rawValue:))
        else { return nil }
        let subject = row.string("subject_type").flatMap(EventSubject.Kind.init(rawValue:)).map { EventSubject($0, row.string("subject_id") ?? "") }
        return Event(
            id: row.string("id") ?? "",
            sequence: row.int("sequence") ?? 0,
            type: type,
            accountID: row.string("account_id"),
            createdAt: row.date("created_at") ?? .distantPast,
            occurredAt: row.date("occurred_at") ?? .distantPast,
            source: EventSource(kind, id: row.string("source_id")),
            subject: subject,
            object: row.string("object").map(RawJSON.init),
            previous: row.string("previous").map(RawJSON.init),
            mergedAccountID: row.string("merged_account_id"),
            mergedAccount: row.string("merged_account").map(RawJSON.init)
        )
    }
}

/// JSON values kept as text.
enum StoredJSON {
    static func text(_ value: JSONValue) -> String { value.canonicalText }
    static func value(_ text: String) -> JSONValue? { JSONValue.parse(Array(text.utf8)) }
}
