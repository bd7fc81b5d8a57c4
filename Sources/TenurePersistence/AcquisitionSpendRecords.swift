import Foundation
import SQLiteStore
import TenureCore
import TenureServices

struct SQLAcquisitionSpendRecords: AcquisitionSpendRecords {
    let db: any SQLConnection

    func insert(id: String, period: CalendarMonth, amount: Int, currency: String, channel: String?, at: Date) async throws {
        try await db.query(
            "INSERT INTO acquisition_spend (id, period, amount, currency, channel, created_at) VALUES (?, ?, ?, ?, ?, ?)",
            [id, period.description, amount, currency, channel, at.stored]
        )
    }

    func byMonth() async throws -> [CalendarMonth: Int] {
        var spend: [CalendarMonth: Int] = [:]
        for row in try await db.query("SELECT period, sum(amount) AS amount FROM acquisition_spend GROUP BY period") {
            if let month = row.string("period").flatMap(CalendarMonth.init) { spend[month] = row.int("amount") ?? 0 }
        }
        return spend
    }

    func byChannel() async throws -> [(channel: String?, month: CalendarMonth, amount: Int)] {
        try await db.map(
            "SELECT lower(trim(channel)) AS channel, period, sum(amount) AS amount FROM acquisition_spend GROUP BY lower(trim(channel)), period"
        ) { row in
            (row.string("channel"), row.string("period").flatMap(CalendarMonth.init) ?? CalendarMonth(year: 1970, month: 1), row.int("amount") ?? 0)
        }
    }
}
