import Foundation
import SQLiteStore
import TenureCore
import TenureJSON
import TenureServices

struct SQLPrivacyRecords: PrivacyRecords {
    let db: any SQLConnection

    func activities(linkedTo contactIDs: [String], mentioning email: String) async throws -> [Activity] {
        try await linked("activities", text: "subject", contactIDs, email, decode: SQLActivityRecords(db: db).decode)
    }

    func surveys(linkedTo contactIDs: [String], mentioning email: String) async throws -> [Survey] {
        try await linked("surveys", text: "comment", contactIDs, email, decode: SQLSurveyRecords(db: db).decode)
    }

    func cases(linkedTo contactIDs: [String], mentioning email: String) async throws -> [SupportCase] {
        try await linked("cases", text: "subject", contactIDs, email, decode: SQLCaseRecords(db: db).decode)
    }

    /// Rows of `table` linked to the contacts or whose `text` mentions the email, oldest first.
    private func linked<T>(
        _ table: String,
        text: String,
        _ contactIDs: [String],
        _ email: String,
        decode: (Row) throws -> T
    )
        async throws -> [T]
    {
        var either = [db.dialect.contains("lower(\(text))")]
        if !contactIDs.isEmpty { either.append("contact_id IN (\(placeholders(for: contactIDs)))") }
        return try await db.map(
            "SELECT * FROM \(table) WHERE \(either.joined(separator: " OR ")) ORDER BY seq",
            [email] + contactIDs,
            decode
        )
    }

    func webhookEvents(mentioning email: String) async throws -> [WebhookEvent] {
        try await db.map(
            "SELECT * FROM webhook_events WHERE \(db.dialect.contains(db.dialect.searchable(bytes: "payload"))) ORDER BY seq",
            [db.dialect.mentioning(bytes: email)],
            SQLWebhookEventRecords(db: db).decode
        )
    }

    func events(mentioning email: String, orAboutCases cases: [String]) async throws -> [Event] {
        var either = ["lower(object)", "lower(previous)", "lower(merged_account)"].map(db.dialect.contains)
        if !cases.isEmpty { either.append("(subject_type = 'case' AND subject_id IN (\(placeholders(for: cases))))") }
        let events: [Event?] = try await db.map(
            "SELECT * FROM events WHERE \(either.joined(separator: " OR ")) ORDER BY sequence",
            [email, email, email] + cases,
            SQLEventRecords(db: db).decode
        )
        return events.compactMap { $0 }
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
        try await db.query("UPDATE webhook_events SET payload = ? WHERE id = ?", [payload, id])
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
        let either = needles.map { _ in db.dialect.contains(body) }.joined(separator: " OR ")
        return try await db.query(
            "DELETE FROM idempotency_keys WHERE \(either) RETURNING key_id",
            needles.map { db.dialect.mentioning(bytes: $0.lowercased()) }
        ).count
    }

    func lastSequence(of table: RetentionTable) async throws -> Int64 {
        Int64(try await db.first("SELECT COALESCE(max(seq), 0) AS last FROM \(table.rawValue)")?.int("last") ?? 0)
    }

    func deleteExpired(_ table: RetentionTable, before cutoff: Date, after: Int64, through: Int64) async throws -> Int {
        let time = table == .activities ? "occurred_at" : "at"
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

    func deleteLeadConsents(latestBefore cutoff: Date, limit: Int) async throws -> Int {
        let emails = try await db.map(
            """
            SELECT email FROM consents c WHERE contact_id IS NULL AND email IS NOT NULL
              AND NOT EXISTS (SELECT 1 FROM contacts k WHERE k.email = c.email)
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
