import Foundation
import SQLiteStore
import TenureCore
import TenureServices

struct SQLActivityRecords: ActivityRecords {
    let db: any SQLConnection

    private static let columns = "seq, id, account_id, type, occurred_at, contact_id, opportunity_id, direction, subject, created_at, purpose"

    func exists(id: String) async throws -> Bool {
        try await db.first("SELECT 1 AS found FROM activities WHERE id = ?", [id]) { _ in true } ?? false
    }

    func insert(_ activities: [Activity]) async throws {
        for activity in activities {
            try await db.query(
                """
                INSERT INTO activities (id, account_id, type, occurred_at, contact_id, opportunity_id, direction, subject, created_at, purpose)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """,
                [
                    activity.id, activity.accountID, activity.type.rawValue, activity.occurredAt.stored, activity.contactID,
                    activity.opportunityID, activity.direction?.rawValue, activity.subject, activity.createdAt.stored, activity.purpose?.rawValue,
                ]
            )
        }
        // What migration 0006's triggers do for every other source of the pipeline (see there why not here).
        if activities.contains(where: { $0.opportunityID != nil }) {
            try await db.query("UPDATE read_versions SET version = version + 1 WHERE source = 'pipeline'")
        }
    }

    func list(_ filter: ActivityFilter, _ request: PageRequest) async throws -> Page<Activity> {
        var conditions = Conditions()
        conditions.add("account_id = ?", ifPresent: filter.accountID)
        conditions.add("contact_id = ?", ifPresent: filter.contactID)
        conditions.add("opportunity_id = ?", ifPresent: filter.opportunityID)
        conditions.add("occurred_at >= ?", ifPresent: filter.from?.stored)
        conditions.add("occurred_at < ?", ifPresent: filter.to?.stored)
        return try await page(db, select: "SELECT \(Self.columns) FROM activities", conditions: conditions, request, decode: decode)
    }

    func contacting(_ filter: ActivityFilter, _ request: PageRequest) async throws -> Page<Activity> {
        var conditions = Conditions()
        conditions.add("direction = 'outbound' AND type IN ('email', 'sms', 'call') AND contact_id IS NOT NULL AND purpose IS NOT NULL")
        conditions.add("account_id = ?", ifPresent: filter.accountID)
        conditions.add("contact_id = ?", ifPresent: filter.contactID)
        conditions.add("occurred_at >= ?", ifPresent: filter.from?.stored)
        conditions.add("occurred_at < ?", ifPresent: filter.to?.stored)
        return try await page(
            db,
            select: "SELECT \(Self.columns) FROM activities",
            conditions: conditions,
            orderedBy: "occurred_at",
            request,
            decode: decode
        )
    }

    func timeline(accountID: String, _ request: PageRequest) async throws -> Page<TimelineItem> {
        var conditions = Conditions()
        conditions.add("account_id = ?", accountID)
        if let after = request.after { conditions.add("(at < ? OR (at = ? AND seq < ?))", after.key, after.key, after.seq) }
        let rows = try await db.query(
            "SELECT at, seq, kind, summary, ref_type, ref_id FROM account_timeline \(conditions.sql) ORDER BY at DESC, seq DESC LIMIT ?",
            conditions.parameters + [request.limit + 1]
        )
        let items = rows.prefix(request.limit).map { row in
            TimelineItem(
                at: row.date("at") ?? .distantPast,
                kind: row.string("kind") ?? "",
                summary: row.string("summary") ?? "",
                refType: row.string("ref_type") ?? "",
                refID: row.string("ref_id") ?? ""
            )
        }
        let last = rows.count > request.limit ? rows[request.limit - 1] : nil
        return Page(items: items, next: last.map { PageCursor(key: Int64($0.int("at") ?? 0), seq: Int64($0.int("seq") ?? 0)) })
    }

    func decode(_ row: Row) -> Activity {
        Activity(
            id: row.string("id") ?? "",
            accountID: row.string("account_id") ?? "",
            type: row.string("type").flatMap(ActivityType.init(rawValue:)) ?? .note,
            occurredAt: row.date("occurred_at") ?? .distantPast,
            contactID: row.string("contact_id"),
            opportunityID: row.string("opportunity_id"),
            direction: row.string("direction").flatMap(ActivityDirection.init(rawValue:)),
            subject: row.string("subject"),
            createdAt: row.date("created_at") ?? .distantPast,
            purpose: row.string("purpose").flatMap(ConsentPurpose.init(rawValue:))
        )
    }
}
