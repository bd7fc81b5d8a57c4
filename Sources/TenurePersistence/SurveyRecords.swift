import Foundation
import SQLiteStore
import TenureCore
import TenureServices

struct SQLSurveyRecords: SurveyRecords {
    let db: any SQLConnection

    func insert(_ survey: Survey) async throws {
        try await db.query(
            "INSERT INTO surveys (id, account_id, kind, score, responded_at, contact_id, comment, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            [
                survey.id, survey.accountID, survey.kind.rawValue, survey.score, survey.respondedAt.stored, survey.contactID, survey.comment,
                survey.createdAt.stored,
            ]
        )
    }

    func list(_ filter: SurveyFilter, _ request: PageRequest) async throws -> Page<Survey> {
        var conditions = Conditions()
        conditions.add("account_id = ?", ifPresent: filter.accountID)
        conditions.add("kind = ?", ifPresent: filter.kind?.rawValue)
        return try await page(db, select: "SELECT * FROM surveys", conditions: conditions, request, decode: decode)
    }

    func of(account accountID: String, after from: Date, upTo to: Date) async throws -> [Survey] {
        try await db.query(
            "SELECT * FROM surveys WHERE account_id = ? AND responded_at > ? AND responded_at <= ? ORDER BY responded_at, seq",
            [accountID, from.stored, to.stored]
        ).map(decode)
    }

    func decode(_ row: Row) -> Survey {
        Survey(
            id: row.string("id") ?? "",
            accountID: row.string("account_id") ?? "",
            kind: row.string("kind").flatMap(SurveyKind.init(rawValue:)) ?? .nps,
            score: row.int("score") ?? 0,
            respondedAt: row.date("responded_at") ?? .distantPast,
            contactID: row.string("contact_id"),
            comment: row.string("comment"),
            createdAt: row.date("created_at") ?? .distantPast
        )
    }
}
