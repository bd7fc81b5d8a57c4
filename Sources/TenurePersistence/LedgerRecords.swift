import Foundation
import SQLiteStore
import TenureCore
import TenureJSON
import TenureServices

struct SQLLedgerRecords: LedgerRecords {
    let db: any SQLConnection
    /// Every movement as last read, in read transactions.
    var cache: ReadCache<LedgerCopy>?

    func conversion(of accountID: String) async throws -> (wonAt: Date?, paidAt: Date?) {
        // Both in one statement (one round trip on PostgreSQL). Won from the account's opportunities (CROSS JOIN fixes the
        // order, `unindexed` keeps SQLite's stage index out); otherwise the planner walks every closed_won change.
        let row = try await db.first(
            """
            SELECT (SELECT min(c.at) FROM opportunities o CROSS JOIN stage_changes c
                    WHERE c.opportunity_id = o.id AND o.account_id = ? AND \(db.dialect.unindexed("c.stage")) = 'closed_won') AS won_at,
                   (SELECT min(at) FROM payments WHERE account_id = ? AND status = 'paid' AND amount > 0) AS paid_at
            """,
            [accountID, accountID]
        )
        return (row?.date("won_at"), row?.date("paid_at"))
    }

    func replace(account accountID: String, movements: [Movement], wonAt: Date?, paidAt: Date?, convertedAt: Date?) async throws {
        try await db.query("DELETE FROM mrr_movements WHERE account_id = ?", [accountID])
        // Up to 32 rows a statement: one round trip for most accounts on PostgreSQL, and at most 32 statement texts.
        for chunk in movements.chunks(of: 32) {
            let rows = Array(repeating: "(?, ?, ?, ?, ?, ?)", count: chunk.count).joined(separator: ", ")
            try await db.query(
                "INSERT INTO mrr_movements (account_id, kind, at, amount, from_mrr, to_mrr) VALUES \(rows)",
                chunk.flatMap { movement -> [any SQLiteBindable] in
                    [accountID, movement.kind.rawValue, movement.at.stored, movement.amount, movement.from, movement.to]
                }
            )
        }
        // Only when one of them changed: rewriting the same values still rewrote the row and its indexes.
        let dates = [wonAt?.stored, paidAt?.stored, convertedAt?.stored]
        try await db.query(
            "UPDATE accounts SET won_at = ?, paid_at = ?, converted_at = ? WHERE id = ? AND (won_at IS DISTINCT FROM ? OR paid_at IS DISTINCT FROM ? OR converted_at IS DISTINCT FROM ?)",
            dates + [accountID] + dates
        )
    }

    func emitted(of accountID: String) async throws -> EmittedRevenue? {
        let text = try await db.first("SELECT emitted_revenue FROM accounts WHERE id = ?", [accountID]) { $0.string("emitted_revenue") }
        guard let text = text ?? nil, let value = StoredJSON.value(text), let stage = value["stage"].string.flatMap(LifecycleStage.init(rawValue:))
        else { return nil }
        let movements = value["movements"].array.compactMap { item -> Movement? in
            let fields = item.array
            guard fields.count == 5, let at = fields[0].int, let kind = fields[1].string.flatMap(MovementKind.init(rawValue:)),
                let amount = fields[2].int, let from = fields[3].int, let to = fields[4].int
            else { return nil }
            return Movement(kind: kind, at: Date(unixMilliseconds: Int64(at)), amount: amount, from: from, to: to)
        }
        return EmittedRevenue(stage: stage, movements: movements)
    }

    func setEmitted(_ emitted: EmittedRevenue, of accountID: String) async throws {
        let movements = emitted.movements.map { movement -> JSONValue in
            .array([
                .integer(movement.at.stored), .string(movement.kind.rawValue), .integer(Int64(movement.amount)), .integer(Int64(movement.from)),
                .integer(Int64(movement.to)),
            ])
        }
        let value = JSONValue.object(["stage": .string(emitted.stage.rawValue), "movements": .array(movements)])
        try await db.query("UPDATE accounts SET emitted_revenue = ? WHERE id = ?", [StoredJSON.text(value), accountID])
    }

    func accounts(withMovementsAfter from: Date, through to: Date) async throws -> [String] {
        try await db.map("SELECT DISTINCT account_id FROM mrr_movements WHERE at > ? AND at <= ?", [from.stored, to.stored]) {
            $0.string("account_id") ?? ""
        }
    }

    func movements(of accountIDs: [String]?, asOf: Date) async throws -> [String: [Movement]] {
        guard accountIDs == nil, let cache else { return try await read(accountIDs, asOf: asOf) }
        return try await cache.value(in: db, read: readCopy).asOf(asOf)
    }

    /// Every movement and every won account, shared when in a read transaction.
    func copy() async throws -> LedgerCopy { try await cache.value(in: db, read: readCopy) }

    private func readCopy() async throws -> LedgerCopy {
        LedgerCopy(movements: try await read(nil, asOf: .distantFuture), won: try await readWon())
    }

    private func readWon() async throws -> [(id: String, wonAt: Date, paidAt: Date?)] {
        try await db.map("SELECT id, won_at, paid_at FROM accounts WHERE merged_into IS NULL AND won_at IS NOT NULL ORDER BY seq") { row in
            (row.string("id") ?? "", row.date("won_at") ?? .distantPast, row.date("paid_at"))
        }
    }

    private func read(_ accountIDs: [String]?, asOf: Date) async throws -> [String: [Movement]] {
        let select = "SELECT account_id, kind, at, amount, from_mrr, to_mrr FROM mrr_movements"
        // Rows come account by account (`mrr_movements_history` holds them in that order).
        var histories = OrderedGroups<Movement>()
        func add(_ row: Row) {
            guard let id = row.string("account_id"), let kind = row.string("kind").flatMap(MovementKind.init(rawValue:)) else { return }
            histories.append(
                Movement(
                    kind: kind,
                    at: row.date("at") ?? .distantPast,
                    amount: row.int("amount") ?? 0,
                    from: row.int("from_mrr") ?? 0,
                    to: row.int("to_mrr") ?? 0
                ),
                of: id
            )
        }
        if let accountIDs {
            guard !accountIDs.isEmpty else { return [:] }
            try await db.forEachRow(
                "\(select) WHERE account_id IN (\(placeholders(for: accountIDs))) AND at <= ? ORDER BY account_id, at, seq",
                accountIDs + [asOf.stored],
                add
            )
        } else {
            try await db.forEachRow("\(select) WHERE at <= ? ORDER BY account_id, at, seq", [asOf.stored], add)
        }
        return histories.finish()
    }

    func customers(asOf: Date, _ request: PageRequest) async throws -> Page<String> {
        let conditions = SQLAccountRecords.customers(asOf: asOf)
        return try await page(db, select: "SELECT seq, id FROM accounts", conditions: conditions, request) { $0.string("id") ?? "" }
    }

    func accountsWithRevenueFacts() async throws -> [String] {
        try await db.query(
            """
            SELECT id FROM accounts WHERE won_at IS NOT NULL OR paid_at IS NOT NULL
            UNION SELECT account_id FROM contracts UNION SELECT account_id FROM payments
            """
        ).compactMap { $0.string("id") }
    }
}
