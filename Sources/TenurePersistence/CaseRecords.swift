import Foundation
import SQLiteStore
import TenureCore
import TenureJSON
import TenureServices

struct SQLCaseRecords: CaseRecords {
    let db: any SQLConnection

    func insert(_ item: SupportCase, at now: Date) async throws {
        try await db.query(
            """
            INSERT INTO cases (account_id, subject, priority, opened_at, contact_id, external_id, first_response_at, status, transitions,
                               changed_at, updated_at, id, created_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """,
            try values(item, now) + [item.id, item.createdAt.stored]
        )
    }

    func update(_ item: SupportCase, at now: Date) async throws {
        try await db.query(
            """
            UPDATE cases SET account_id = ?, subject = ?, priority = ?, opened_at = ?, contact_id = ?, external_id = ?, first_response_at = ?,
                             status = ?, transitions = ?, changed_at = ?, updated_at = ?
            WHERE id = ?
            """,
            try values(item, now) + [item.id]
        )
    }

    func find(id: String) async throws -> SupportCase? { try await db.first("SELECT * FROM cases WHERE id = ?", [id], decode) }

    func find(externalID: String) async throws -> SupportCase? {
        try await db.first("SELECT * FROM cases WHERE external_id = ?", [externalID], decode)
    }

    func list(_ filter: CaseFilter, _ request: PageRequest) async throws -> Page<SupportCase> {
        var conditions = Conditions()
        conditions.add("account_id = ?", ifPresent: filter.accountID)
        conditions.add("external_id = ?", ifPresent: filter.externalID)
        conditions.add("opened_at <= ?", ifPresent: filter.openedBy?.stored)
        conditions.add("account_id IN (SELECT id FROM accounts WHERE owner = ?)", ifPresent: filter.owner)
        if let awaiting = filter.awaitingResponse {
            let asOf = (filter.openedBy ?? .distantFuture).stored
            conditions.add(awaiting ? "(first_response_at IS NULL OR first_response_at > ?)" : "first_response_at <= ?", asOf)
        }
        return try await page(db, select: "SELECT * FROM cases", conditions: conditions, request, decode: decode)
    }

    func of(account accountID: String, openedBy asOf: Date) async throws -> [SupportCase] {
        try await db.map("SELECT * FROM cases WHERE account_id = ? AND opened_at <= ? ORDER BY seq", [accountID, asOf.stored], decode)
    }

    func unanswered(priority: CasePriority, openedAfter from: Date, through to: Date, within hours: Double) async throws -> [SupportCase] {
        try await db.map(
            """
            SELECT * FROM cases WHERE priority = ? AND opened_at > ? AND opened_at <= ?
              AND (first_response_at IS NULL OR first_response_at > opened_at + ?) ORDER BY seq
            """,
            [priority.rawValue, from.stored, to.stored, Int64(hours * 3_600_000)],
            decode
        )
    }

    func touched(from: Date, to: Date) async throws -> [SupportCase] {
        // A case opened before the window counts in it only through a resolve or reopen at or after `from`.
        try await db.map(
            "SELECT * FROM cases WHERE opened_at < ? AND (opened_at >= ? OR changed_at >= ?) ORDER BY seq",
            [to.stored, from.stored, from.stored],
            decode
        )
    }

    func firstResponses(openedFrom from: Date, to: Date) async throws -> [(openedAt: Date, firstResponseAt: Date?)] {
        try await db.map("SELECT opened_at, first_response_at FROM cases WHERE opened_at >= ? AND opened_at < ?", [from.stored, to.stored]) { row in
            (row.date("opened_at") ?? .distantPast, row.date("first_response_at"))
        }
    }

    private func values(_ item: SupportCase, _ now: Date) async throws -> [any SQLiteBindable] {
        let transitions = String(decoding: try JSONEncoder().encode(item.transitions.map { [$0.to.rawValue, String($0.at.stored)] }), as: UTF8.self)
        return [
            item.accountID, item.subject, item.priority.rawValue, item.openedAt.stored, item.contactID, item.externalID, item.firstResponseAt?.stored,
            item.transitions.last?.to.rawValue ?? CaseStatus.open.rawValue, transitions,
            max(item.openedAt, item.transitions.map(\.at).max() ?? item.openedAt).stored, now.stored,
        ]
    }

    /// Transitions are stored as `[["resolved", "<unix ms>"], …]`, read back with the single-pass parser (`JSONDecoder`
    /// was most of the support figures' time in the summary).
    func decode(_ row: Row) throws -> SupportCase {
        guard case .array(let pairs)? = JSONValue.parse(row.blob("transitions") ?? Array("[]".utf8)) else {
            throw UnreadableRecord(description: "the stored transitions of case \(row.string("id") ?? "") do not read back")
        }
        return SupportCase(
            id: row.string("id") ?? "",
            accountID: row.string("account_id") ?? "",
            subject: row.string("subject") ?? "",
            priority: row.string("priority").flatMap(CasePriority.init(rawValue:)) ?? .normal,
            openedAt: row.date("opened_at") ?? .distantPast,
            contactID: row.string("contact_id"),
            externalID: row.string("external_id"),
            firstResponseAt: row.date("first_response_at"),
            transitions: pairs.compactMap { pair in
                let pair = pair.array
                guard pair.count == 2, let to = pair[0].string.flatMap(CaseStatus.init(rawValue:)), let ms = pair[1].string.flatMap({ Int64($0) })
                else { return nil }
                return CaseTransition(to: to, at: Date(unixMilliseconds: ms))
            },
            createdAt: row.date("created_at") ?? .distantPast
        )
    }
}
