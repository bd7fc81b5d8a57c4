import Foundation
import SQLiteStore
import TenureCore
import TenureServices

struct SQLUsageRecords: UsageRecords {
    let db: any SQLConnection

    func upsert(_ usage: [AccountUsage], at now: Date) async throws {
        for item in usage {
            try await db.query(
                """
                INSERT INTO usage_records (account_id, day, active_users, licensed_seats, updated_at) VALUES (?, ?, ?, ?, ?)
                ON CONFLICT (account_id, day) DO UPDATE SET
                    active_users = excluded.active_users, licensed_seats = excluded.licensed_seats, updated_at = excluded.updated_at
                """,
                [item.accountID, item.record.day.stored, item.record.activeUsers, item.record.licensedSeats, now.stored]
            )
        }
    }

    func of(account accountID: String, from: Date, to: Date) async throws -> [UsageRecord] {
        try await db.query(
            "SELECT day, active_users, licensed_seats FROM usage_records WHERE account_id = ? AND day >= ? AND day < ? ORDER BY day",
            [accountID, from.stored, to.stored]
        ).map(decode)
    }

    func list(account accountID: String, from: Date?, to: Date?, _ request: PageRequest) async throws -> Page<UsageRecord> {
        var conditions = Conditions()
        conditions.add("account_id = ?", accountID)
        conditions.add("day >= ?", ifPresent: from?.stored)
        conditions.add("day < ?", ifPresent: to?.stored)
        conditions.add("day > ?", ifPresent: request.after?.key)
        let rows = try await db.query(
            "SELECT day, active_users, licensed_seats FROM usage_records \(conditions.sql) ORDER BY day LIMIT ?",
            conditions.parameters + [request.limit + 1]
        )
        let items = rows.prefix(request.limit).map(decode)
        return Page(items: items, next: rows.count > request.limit ? items.last.map { PageCursor(key: $0.day.stored, seq: 0) } : nil)
    }

    private func decode(_ row: Row) -> UsageRecord {
        UsageRecord(day: row.date("day") ?? .distantPast, activeUsers: row.int("active_users") ?? 0, licensedSeats: row.int("licensed_seats") ?? 0)
    }
}
