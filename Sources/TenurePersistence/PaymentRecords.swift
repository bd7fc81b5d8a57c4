import Foundation
import SQLiteStore
import TenureCore
import TenureServices

struct SQLPaymentRecords: PaymentRecords {
    let db: any SQLConnection

    func insert(_ payment: Payment) async throws {
        try await db.query(
            "INSERT INTO payments (account_id, amount, currency, status, at, source, external_id, id, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            values(payment) + [payment.id, payment.createdAt.stored]
        )
    }

    func update(_ payment: Payment) async throws {
        try await db.query(
            "UPDATE payments SET account_id = ?, amount = ?, currency = ?, status = ?, at = ?, source = ?, external_id = ? WHERE id = ?",
            values(payment) + [payment.id]
        )
    }

    func find(id: String) async throws -> Payment? { try await db.first("SELECT * FROM payments WHERE id = ?", [id], decode) }

    func find(stripe status: PaymentStatus, externalID: String) async throws -> Payment? {
        try await db.first(
            "SELECT * FROM payments WHERE source = 'stripe' AND status = ? AND external_id = ?",
            [status.rawValue, externalID],
            decode
        )
    }

    func list(_ filter: PaymentFilter, _ request: PageRequest) async throws -> Page<Payment> {
        var conditions = Conditions()
        conditions.add("account_id = ?", ifPresent: filter.accountID)
        conditions.add("status = ?", ifPresent: filter.status?.rawValue)
        return try await page(db, select: "SELECT * FROM payments", conditions: conditions, request, decode: decode)
    }

    func of(account accountID: String) async throws -> [Payment] {
        try await db.map("SELECT * FROM payments WHERE account_id = ? ORDER BY at, seq", [accountID], decode)
    }

    private func values(_ payment: Payment) -> [any SQLiteBindable] {
        [
            payment.accountID, payment.amount, payment.currency, payment.status.rawValue, payment.at.stored, payment.source.rawValue,
            payment.externalID,
        ]
    }

    private func decode(_ row: Row) -> Payment {
        Payment(
            id: row.string("id") ?? "",
            accountID: row.string("account_id") ?? "",
            amount: row.int("amount") ?? 0,
            currency: row.string("currency") ?? "",
            status: row.string("status").flatMap(PaymentStatus.init(rawValue:)) ?? .paid,
            at: row.date("at") ?? .distantPast,
            source: row.string("source").flatMap(ContractSource.init(rawValue:)) ?? .manual,
            externalID: row.string("external_id"),
            createdAt: row.date("created_at") ?? .distantPast
        )
    }
}
