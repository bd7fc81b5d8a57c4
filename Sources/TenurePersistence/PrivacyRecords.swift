import Foundation
import SQLiteStore
import TenureCore
import TenureJSON
import TenureServices

struct SQLPrivacyRecords: PrivacyRecords {
    let db: any SQLConnection

    func activities(linkedTo contactIDs: [String]) async throws -> [Activity] {
        try await linked("activities", contactIDs, decode: SQLActivityRecords(db: db).decode)
    }

    func surveys(linkedTo contactIDs: [String]) async throws -> [Survey] {
        try await linked("surveys", contactIDs, decode: SQLSurveyRecords(db: db).decode)
    }

    func cases(linkedTo contactIDs: [String]) async throws -> [SupportCase] {
        try await linked("cases", contactIDs, decode: SQLCaseRecords(db: db).decode)
    }

    private func linked<T>(_ table: String, _ contactIDs: [String], decode: (Row) throws -> T) async throws -> [T] {
        var found: [T] = []
        for chunk in contactIDs.chunks(of: 500) {
            found += try await db.map("SELECT * FROM \(table) WHERE contact_id IN (\(placeholders(for: chunk))) ORDER BY seq", chunk, decode)
        }
        return found
    }

    func activities(mentioning email: String, after sequence: Int64) async throws -> [Activity] {
        try await mentioning("activities", text: "subject", email, after: sequence, decode: SQLActivityRecords(db: db).decode)
    }

    func surveys(mentioning email: String, after sequence: Int64) async throws -> [Survey] {
        try await mentioning("surveys", text: "comment", email, after: sequence, decode: SQLSurveyRecords(db: db).decode)
    }

    func cases(mentioning email: String, after sequence: Int64) async throws -> [SupportCase] {
        try await mentioning("cases", text: "subject", email, after: sequence, decode: SQLCaseRecords(db: db).decode)
    }

    private func mentioning<T>(
        _ table: String,
        text: String,
        _ email: String,
        after sequence: Int64,
        decode: (Row) throws -> T
    )
        async throws -> [T]
    {
        try await db.map(
            "SELECT * FROM \(table) WHERE seq > ? AND \(db.dialect.mentions(text)) ORDER BY seq",
            [sequence, db.dialect.pattern(containing: email)],
            decode
        )
    }

    func webhookEvents(mentioning email: String, after sequence: Int64) async throws -> [WebhookEvent] {
        try await db.map(
            "SELECT * FROM webhook_events WHERE seq > ? AND \(db.dialect.mentions(db.dialect.searchable(bytes: "payload"))) ORDER BY seq",
            [sequence, db.dialect.pattern(containing: db.dialect.searchable(needle: email))],
            SQLWebhookEventRecords(db: db).decode
        )
    }

    func events(ofAccounts accounts: [String], mentioning email: String, orAbout subjects: [EventSubject]) async throws -> [Event] {
        var found: [Event?] = []
        let mentions = ["object", "previous", "merged_account"].map(db.dialect.mentions).joined(separator: " OR ")
        for chunk in accounts.chunks(of: 500) {
            found += try await db.map(
                "SELECT * FROM events WHERE account_id IN (\(placeholders(for: chunk))) AND (\(mentions)) ORDER BY sequence",
                chunk + Array(repeating: db.dialect.pattern(containing: email), count: 3),
                SQLEventRecords(db: db).decode
            )
        }
        for (kind, ids) in Dictionary(grouping: subjects, by: \.kind).sorted(by: { $0.key.rawValue < $1.key.rawValue }) {
            for chunk in ids.map(\.id).chunks(of: 500) {
                found += try await db.map(
                    "SELECT * FROM events WHERE subject_type = ? AND subject_id IN (\(placeholders(for: chunk))) ORDER BY sequence",
                    [kind.rawValue] + chunk,
                    SQLEventRecords(db: db).decode
                )
            }
        }
        found.sort { ($0?.sequence ?? 0) < ($1?.sequence ?? 0) }
        var seen: Set<String> = []
        return found.compactMap { $0 }.filter { seen.insert($0.id).inserted }
    }

    func auditEntries(about ids: [String]) async throws -> [AuditEntry] {
        guard !ids.isEmpty else { return [] }
        return try await db.map(
            "SELECT * FROM audit_log WHERE resource_id IN (\(placeholders(for: ids))) ORDER BY seq",
            ids,
            SQLAuditRecords.decode
        )
    }

    func redactText(activities: [String], surveys: [String], cases: [String], with text: String) async throws {
        for (table, column, ids) in [("activities", "subject", activities), ("surveys", "comment", surveys), ("cases", "subject", cases)] {
            for chunk in ids.chunks(of: 500) {
                try await db.query(
                    "UPDATE \(table) SET \(column) = ? WHERE id IN (\(placeholders(for: chunk))) AND \(column) IS NOT NULL",
                    [text] + chunk
                )
            }
        }
    }

    func replacePayload(ofWebhookEvent id: String, with payload: [UInt8]) async throws {
        try await db.query("UPDATE webhook_events SET payload = ? WHERE id = ? AND payload_purged_at IS NULL", [payload, id])
    }

    func replaceRendering(ofEvent id: String, object: RawJSON?, previous: RawJSON?, mergedAccount: RawJSON?) async throws {
        let text = { (json: RawJSON?) in json.map { String(decoding: $0.bytes, as: UTF8.self) } }
        try await db.query(
            "UPDATE events SET object = ?, previous = ?, merged_account = ? WHERE id = ?",
            [text(object), text(previous), text(mergedAccount), id]
        )
    }

    func eraseConsents(ofContacts contactIDs: [String], email: String, detail: String) async throws -> Int {
        // Each record once: the contacts' own, then others with the email, then those of the email alone.
        let erase = "UPDATE consents SET email = NULL, source_detail = CASE WHEN source_detail IS NULL THEN NULL ELSE ? END"
        var count = 0
        for chunk in contactIDs.chunks(of: 500) {
            count += try await db.query("\(erase) WHERE contact_id IN (\(placeholders(for: chunk))) RETURNING id", [detail] + chunk).count
        }
        count += try await db.query("\(erase) WHERE email = ? AND contact_id IS NOT NULL RETURNING id", [detail, email]).count
        count += try await db.query("DELETE FROM consents WHERE email = ? AND contact_id IS NULL RETURNING id", [email]).count
        return count
    }

    func dropIdempotentResponses(mentioning needles: [String]) async throws -> Int {
        guard !needles.isEmpty else { return 0 }
        let body = db.dialect.searchable(bytes: "response_body")
        let either = needles.map { _ in db.dialect.mentions(body) }.joined(separator: " OR ")
        return try await db.query(
            "DELETE FROM idempotency_keys WHERE \(either) RETURNING key_id",
            needles.map { db.dialect.pattern(containing: db.dialect.searchable(needle: $0)) }
        ).count
    }

    func lastSequence(of table: PersonalTable) async throws -> Int64 {
        Int64(try await db.first("SELECT COALESCE(max(seq), 0) AS last FROM \(table.rawValue)")?.int("last") ?? 0)
    }

    func deleteExpired(_ table: PersonalTable, before cutoff: Date, after: Int64, through: Int64) async throws -> Int {
        let time =
            switch table {
            case .activities: "occurred_at"
            case .surveys: "responded_at"
            case .cases: "opened_at"
            case .auditLog, .accessLog: "at"
            case .webhookEvents: "received_at"
            }
        return try await db.query(
            "DELETE FROM \(table.rawValue) WHERE seq > ? AND seq <= ? AND \(time) < ? RETURNING seq",
            [after, through, cutoff.stored]
        ).count
    }

    func purgePayloads(before cutoff: Date, after: Int64, through: Int64, at now: Date) async throws -> Int {
        try await db.query(
            """
            UPDATE webhook_events SET payload = ?, payload_purged_at = ?
            WHERE seq > ? AND seq <= ? AND COALESCE(occurred_at, received_at) < ? AND status IN ('processed', 'ignored')
              AND payload_purged_at IS NULL
            RETURNING seq
            """,
            [[UInt8](), now.stored, after, through, cutoff.stored]
        ).count
    }

    func eraseLeads(email: String, marker: String, at now: Date) async throws -> [String] {
        let ids = try await db.map(
            """
            UPDATE leads SET name = ?, email = NULL, title = CASE WHEN title IS NULL THEN NULL ELSE ? END, erased_at = ?, updated_at = ?
            WHERE email = ? RETURNING id
            """,
            [marker, marker, now.stored, now.stored, email]
        ) { $0.string("id") ?? "" }
        for chunk in ids.chunks(of: 500) {
            try await db.query(
                "UPDATE tasks SET title = ?, updated_at = ? WHERE lead_id IN (\(placeholders(for: chunk)))",
                [marker, now.stored] + chunk
            )
        }
        return ids
    }

    func deleteExpiredLeads(latestBefore cutoff: Date, limit: Int) async throws -> Int {
        let ids = try await db.map(
            """
            SELECT id FROM leads l WHERE status <> 'converted' AND updated_at < ?
              AND NOT EXISTS (SELECT 1 FROM engagement_events e WHERE e.lead_id = l.id AND e.occurred_at >= ?)
            ORDER BY seq LIMIT ?
            """,
            [cutoff.stored, cutoff.stored, limit]
        ) { $0.string("id") ?? "" }
        guard !ids.isEmpty else { return 0 }
        for table in ["engagement_events", "lead_assignments", "tasks"] {
            try await db.query("DELETE FROM \(table) WHERE lead_id IN (\(placeholders(for: ids)))", ids)
        }
        try await db.query("DELETE FROM leads WHERE id IN (\(placeholders(for: ids)))", ids)
        return ids.count
    }

    func deleteLeadConsents(latestBefore cutoff: Date, limit: Int) async throws -> Int {
        let emails = try await db.map(
            """
            SELECT email FROM consents c WHERE contact_id IS NULL AND email IS NOT NULL
              AND NOT EXISTS (SELECT 1 FROM contacts k WHERE k.email = c.email)
              AND NOT EXISTS (SELECT 1 FROM leads l WHERE l.email = c.email)
            GROUP BY email HAVING max(occurred_at) < ? LIMIT ?
            """,
            [cutoff.stored, limit]
        ) { $0.string("email") ?? "" }
        guard !emails.isEmpty else { return 0 }
        return try await db.query(
            "DELETE FROM consents WHERE contact_id IS NULL AND email IN (\(placeholders(for: emails))) RETURNING seq",
            emails
        ).count
    }
}
