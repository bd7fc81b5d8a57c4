import Foundation
import SQLiteStore
import TenureCore
import TenureServices

/// `targets`: one row per (period, owner); the company's target has the owner `''`.
struct SQLTargetRecords: TargetRecords {
    let db: any SQLConnection

    func upsert(_ target: ForecastTarget, at now: Date) async throws {
        try await db.query(
            """
            INSERT INTO targets (period, owner, amount, updated_at) VALUES (?, ?, ?, ?)
            ON CONFLICT (period, owner) DO UPDATE SET amount = excluded.amount, updated_at = excluded.updated_at
            """,
            [target.period.description, target.owner ?? "", target.amount, now.stored]
        )
    }

    func delete(period: CalendarMonth, owner: String?) async throws {
        try await db.query("DELETE FROM targets WHERE period = ? AND owner = ?", [period.description, owner ?? ""])
    }

    func list(from: CalendarMonth?, to: CalendarMonth?, owner: String??) async throws -> [ForecastTarget] {
        var conditions = Conditions()
        conditions.add("period >= ?", ifPresent: from?.description)
        conditions.add("period <= ?", ifPresent: to?.description)
        if let owner { conditions.add("owner = ?", ifPresent: owner ?? "") }
        return try await db.map("SELECT * FROM targets \(conditions.sql) ORDER BY period, owner", conditions.parameters) { row in
            ForecastTarget(
                period: row.string("period").flatMap(CalendarMonth.init) ?? CalendarMonth(year: 1970, month: 1),
                owner: row.string("owner").flatMap { $0.isEmpty ? nil : $0 },
                amount: row.int("amount") ?? 0
            )
        }
    }
}
