import Foundation
import SQLiteStore
import TenureCore
import TenureServices

struct SQLiteContractRecords: ContractRecords {
    let db: Connection
    let memo: SnapshotMemo
    var cache: ReadCache<AllContracts>?
    /// The writer's copy of each subscription's snapshots, in write transactions.
    var written: WriterSnapshotLists?

    func insert(_ contract: Contract) throws {
        try db.query(
            """
            INSERT INTO contracts (account_id, opportunity_id, source, external_id, start_date, end_date, billing_interval, recurring_amount,
                                   currency, auto_renew, cancel_effective, updated_at, id, created_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """,
            values(contract) + [contract.id, contract.createdAt.stored]
        )
    }

    func update(_ contract: Contract) throws {
        try db.query(
            """
            UPDATE contracts SET account_id = ?, opportunity_id = ?, source = ?, external_id = ?, start_date = ?, end_date = ?,
                billing_interval = ?, recurring_amount = ?, currency = ?, auto_renew = ?, cancel_effective = ?, updated_at = ?
            WHERE id = ?
            """,
            values(contract) + [contract.id]
        )
    }

    func touch(_ id: String, at: Date) throws { try db.query("UPDATE contracts SET updated_at = ? WHERE id = ?", [at.stored, id]) }

    func find(id: String) throws -> Contract? { try db.first("SELECT * FROM contracts WHERE id = ?", [id], decode) }

    func find(stripeSubscription id: String) throws -> Contract? {
        try db.first("SELECT * FROM contracts WHERE source = 'stripe' AND external_id = ?", [id], decode)
    }

    func find(manualFor opportunityID: String) throws -> Contract? {
        try db.first("SELECT * FROM contracts WHERE source = 'manual' AND opportunity_id = ?", [opportunityID], decode)
    }

    func list(_ filter: ContractFilter, _ request: PageRequest) throws -> Page<Contract> {
        var conditions = Conditions()
        conditions.add("account_id = ?", ifPresent: filter.accountID)
        conditions.add("source = ?", ifPresent: filter.source?.rawValue)
        return try page(db, select: "SELECT * FROM contracts", conditions: conditions, request, decode: decode)
    }

    func of(account accountID: String) throws -> [Contract] {
        try db.map("SELECT * FROM contracts WHERE account_id = ? ORDER BY seq", [accountID], decode)
    }

    func addSnapshot(_ snapshot: StoredSnapshot, readBack: SubscriptionSnapshot) throws {
        memo.keep(readBack, as: snapshot)
        try db.query(
            """
            INSERT INTO subscription_snapshots (contract_id, event_id, effective_at, order_key, terms) VALUES (?, ?, ?, ?, ?)
            ON CONFLICT (contract_id, effective_at, order_key) DO NOTHING
            """,
            [snapshot.contractID, snapshot.eventID, snapshot.effectiveAt.stored, snapshot.order, String(decoding: snapshot.terms, as: UTF8.self)]
        )
        if db.changes == 1 { try written?.inserted(snapshot, as: readBack, on: db) }
    }

    func snapshots(of contractID: String) throws -> [SubscriptionSnapshot] {
        guard let written else { return try readSnapshots(of: contractID).map(\.snapshot) }
        return try written.snapshots(of: contractID, on: db) { try readSnapshots(of: contractID) }
    }

    private func readSnapshots(of contractID: String) throws -> [ReadSnapshot] {
        try db.map("SELECT * FROM subscription_snapshots WHERE contract_id = ? ORDER BY effective_at, order_key", [contractID]) { row in
            let stored = Self.decodeSnapshot(row)
            return ReadSnapshot(stored: stored, snapshot: try memo.readBack(stored))
        }
    }

    /// Every contract, with every subscription snapshot read back.
    func all() throws -> AllContracts { try cache?.value(in: db, read: readAll) ?? readAll() }

    private func readAll() throws -> AllContracts {
        var snapshots = OrderedGroups<SubscriptionSnapshot>()
        try db.forEachRow("SELECT * FROM subscription_snapshots ORDER BY contract_id, effective_at, order_key") { row in
            let stored = Self.decodeSnapshot(row)
            snapshots.append(try memo.readBack(stored), of: stored.contractID)
        }
        return AllContracts(
            byAccount: Dictionary(grouping: try db.map("SELECT * FROM contracts ORDER BY seq", decode), by: \.accountID),
            snapshots: snapshots.finish()
        )
    }

    private static func decodeSnapshot(_ row: Row) -> StoredSnapshot {
        StoredSnapshot(
            contractID: row.string("contract_id") ?? "",
            eventID: row.string("event_id") ?? "",
            effectiveAt: row.date("effective_at") ?? .distantPast,
            order: row.string("order_key") ?? "",
            terms: row.blob("terms") ?? []
        )
    }

    private func values(_ contract: Contract) -> [any SQLiteBindable] {
        [
            contract.accountID, contract.opportunityID, contract.source.rawValue, contract.externalID, contract.startDate?.stored,
            contract.endDate?.stored, contract.billingInterval?.rawValue, contract.recurringAmount, contract.currency, contract.autoRenew,
            contract.cancelEffective?.stored, contract.updatedAt.stored,
        ]
    }

    private func decode(_ row: Row) -> Contract {
        Contract(
            id: row.string("id") ?? "",
            accountID: row.string("account_id") ?? "",
            opportunityID: row.string("opportunity_id"),
            source: row.string("source").flatMap(ContractSource.init(rawValue:)) ?? .manual,
            externalID: row.string("external_id"),
            startDate: row.date("start_date"),
            endDate: row.date("end_date"),
            billingInterval: row.string("billing_interval").flatMap(BillingInterval.init(rawValue:)),
            recurringAmount: row.int("recurring_amount"),
            currency: row.string("currency") ?? "",
            autoRenew: row.bool("auto_renew") ?? true,
            cancelEffective: row.date("cancel_effective"),
            createdAt: row.date("created_at") ?? .distantPast,
            updatedAt: row.date("updated_at") ?? .distantPast
        )
    }
}

struct SQLitePaymentRecords: PaymentRecords {
    let db: Connection

    func insert(_ payment: Payment) throws {
        try db.query(
            "INSERT INTO payments (account_id, amount, currency, status, at, source, external_id, id, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            values(payment) + [payment.id, payment.createdAt.stored]
        )
    }

    func update(_ payment: Payment) throws {
        try db.query(
            "UPDATE payments SET account_id = ?, amount = ?, currency = ?, status = ?, at = ?, source = ?, external_id = ? WHERE id = ?",
            values(payment) + [payment.id]
        )
    }

    func find(stripe status: PaymentStatus, externalID: String) throws -> Payment? {
        try db.first("SELECT * FROM payments WHERE source = 'stripe' AND status = ? AND external_id = ?", [status.rawValue, externalID], decode)
    }

    func list(_ filter: PaymentFilter, _ request: PageRequest) throws -> Page<Payment> {
        var conditions = Conditions()
        conditions.add("account_id = ?", ifPresent: filter.accountID)
        conditions.add("status = ?", ifPresent: filter.status?.rawValue)
        return try page(db, select: "SELECT * FROM payments", conditions: conditions, request, decode: decode)
    }

    func of(account accountID: String) throws -> [Payment] {
        try db.map("SELECT * FROM payments WHERE account_id = ? ORDER BY at, seq", [accountID], decode)
    }

    func firstPaid(account accountID: String) throws -> Date? {
        try db.first("SELECT min(at) AS at FROM payments WHERE account_id = ? AND status = 'paid' AND amount > 0", [accountID])?.date("at")
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

struct SQLiteAcquisitionSpendRecords: AcquisitionSpendRecords {
    let db: Connection

    func insert(id: String, period: CalendarMonth, amount: Int, currency: String, channel: String?, at: Date) throws {
        try db.query(
            "INSERT INTO acquisition_spend (id, period, amount, currency, channel, created_at) VALUES (?, ?, ?, ?, ?, ?)",
            [id, period.description, amount, currency, channel, at.stored]
        )
    }

    func byMonth() throws -> [CalendarMonth: Int] {
        var spend: [CalendarMonth: Int] = [:]
        for row in try db.query("SELECT period, sum(amount) AS amount FROM acquisition_spend GROUP BY period") {
            if let month = row.string("period").flatMap(CalendarMonth.init) { spend[month] = row.int("amount") ?? 0 }
        }
        return spend
    }
}

struct SQLiteLedgerRecords: LedgerRecords {
    let db: Connection
    /// Every movement as last read, in read transactions.
    var cache: ReadCache<LedgerCopy>?

    func wonAt(account accountID: String) throws -> Date? {
        // From the account's opportunities (CROSS JOIN fixes the order, `+` keeps the stage index out); otherwise the
        // planner walks every closed_won change in the database.
        try db.first(
            """
            SELECT min(c.at) AS at FROM opportunities o CROSS JOIN stage_changes c ON c.opportunity_id = o.id
            WHERE o.account_id = ? AND +c.stage = 'closed_won'
            """,
            [accountID]
        )?.date("at")
    }

    func replace(account accountID: String, movements: [Movement], wonAt: Date?, paidAt: Date?, convertedAt: Date?) throws {
        try db.query("DELETE FROM mrr_movements WHERE account_id = ?", [accountID])
        for movement in movements {
            try db.query(
                "INSERT INTO mrr_movements (account_id, kind, at, amount, from_mrr, to_mrr) VALUES (?, ?, ?, ?, ?, ?)",
                [accountID, movement.kind.rawValue, movement.at.stored, movement.amount, movement.from, movement.to]
            )
        }
        // Only when one of them changed: rewriting the same values still rewrote the row and its indexes.
        let dates = [wonAt?.stored, paidAt?.stored, convertedAt?.stored]
        try db.query(
            "UPDATE accounts SET won_at = ?, paid_at = ?, converted_at = ? WHERE id = ? AND (won_at IS NOT ? OR paid_at IS NOT ? OR converted_at IS NOT ?)",
            dates + [accountID] + dates
        )
    }

    func movements(of accountIDs: [String]?, asOf: Date) throws -> [String: [Movement]] {
        guard accountIDs == nil, let cache else { return try read(accountIDs, asOf: asOf) }
        return try cache.value(in: db, read: readCopy).asOf(asOf)
    }

    /// Every movement and every won account, shared when in a read transaction.
    func copy() throws -> LedgerCopy { try cache?.value(in: db, read: readCopy) ?? readCopy() }

    private func readCopy() throws -> LedgerCopy {
        LedgerCopy(movements: try read(nil, asOf: .distantFuture), won: try readWon())
    }

    private func readWon() throws -> [(id: String, wonAt: Date, paidAt: Date?)] {
        try db.map("SELECT id, won_at, paid_at FROM accounts WHERE merged_into IS NULL AND won_at IS NOT NULL ORDER BY seq") { row in
            (row.string("id") ?? "", row.date("won_at") ?? .distantPast, row.date("paid_at"))
        }
    }

    private func read(_ accountIDs: [String]?, asOf: Date) throws -> [String: [Movement]] {
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
            for id in accountIDs { try db.forEachRow("\(select) WHERE account_id = ? AND at <= ? ORDER BY at, seq", [id, asOf.stored], add) }
        } else {
            try db.forEachRow("\(select) WHERE at <= ? ORDER BY account_id, at, seq", [asOf.stored], add)
        }
        return histories.finish()
    }

    func customers(asOf: Date, _ request: PageRequest) throws -> Page<String> {
        let conditions = SQLiteAccountRecords.customers(asOf: asOf)
        return try page(db, select: "SELECT seq, id FROM accounts", conditions: conditions, request) { $0.string("id") ?? "" }
    }

    func accountsWithRevenueFacts() throws -> [String] {
        try db.query(
            """
            SELECT id FROM accounts WHERE won_at IS NOT NULL OR paid_at IS NOT NULL
            UNION SELECT account_id FROM contracts UNION SELECT account_id FROM payments
            """
        ).compactMap { $0.string("id") }
    }
}
