import Foundation
import SQLiteStore
import TenureCore
import TenureServices

struct SQLContractRecords: ContractRecords {
    let db: any SQLConnection
    let memo: SnapshotMemo
    var cache: ReadCache<AllContracts>?
    /// SQLite's writer's copy of each subscription's snapshots, with the writer's connection, in its write transactions.
    var written: (connection: Connection, lists: WriterSnapshotLists)?

    func insert(_ contract: Contract) async throws {
        try await db.query(
            """
            INSERT INTO contracts (account_id, opportunity_id, source, external_id, start_date, end_date, billing_interval, recurring_amount,
                                   currency, auto_renew, cancel_effective, cancel_reason, cancel_feedback, updated_at, id, created_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """,
            values(contract) + [contract.id, contract.createdAt.stored]
        )
    }

    func update(_ contract: Contract) async throws {
        try await db.query(
            """
            UPDATE contracts SET account_id = ?, opportunity_id = ?, source = ?, external_id = ?, start_date = ?, end_date = ?,
                billing_interval = ?, recurring_amount = ?, currency = ?, auto_renew = ?, cancel_effective = ?, cancel_reason = ?,
                cancel_feedback = ?, updated_at = ?
            WHERE id = ?
            """,
            values(contract) + [contract.id]
        )
    }

    /// Only `updated_at`: the indexed columns, and so their indexes, are left alone.
    func touch(_ contract: Contract, at: Date) async throws {
        try await db.query("UPDATE contracts SET updated_at = ? WHERE id = ?", [at.stored, contract.id])
    }

    func find(id: String) async throws -> Contract? { try await db.first("SELECT * FROM contracts WHERE id = ?", [id], decode) }

    func find(stripeSubscription id: String) async throws -> Contract? {
        try await db.first("SELECT * FROM contracts WHERE source = 'stripe' AND external_id = ?", [id], decode)
    }

    func find(manualFor opportunityID: String) async throws -> Contract? {
        try await db.first("SELECT * FROM contracts WHERE source = 'manual' AND opportunity_id = ?", [opportunityID], decode)
    }

    func list(_ filter: ContractFilter, _ request: PageRequest) async throws -> Page<Contract> {
        var conditions = Conditions()
        conditions.add("account_id = ?", ifPresent: filter.accountID)
        conditions.add("source = ?", ifPresent: filter.source?.rawValue)
        return try await page(db, select: "SELECT * FROM contracts", conditions: conditions, request, decode: decode)
    }

    /// Reads of at least this many contracts' snapshots take them from the shared copy when the transaction has one:
    /// a list over the company (renewals) reads them all, a page over a few accounts only its own.
    static let readFromTheCopy = 1_000

    func every() async throws -> [Contract] {
        guard let cache else { return try await db.map("SELECT * FROM contracts ORDER BY seq", decode) }
        return try await cache.value(in: db, read: readAll).byAccount.values.flatMap { $0 }
    }

    func of(accounts accountIDs: [String]) async throws -> [String: [Contract]] {
        guard !accountIDs.isEmpty else { return [:] }
        let contracts = try await db.map(
            "SELECT * FROM contracts WHERE account_id IN (\(placeholders(for: accountIDs))) ORDER BY seq",
            accountIDs,
            decode
        )
        return Dictionary(grouping: contracts, by: \.accountID)
    }

    func trials() async throws -> [Contract] {
        try await db.map(
            "SELECT * FROM contracts WHERE id IN (SELECT contract_id FROM subscription_snapshots WHERE status = 'trialing') ORDER BY seq",
            [],
            decode
        )
    }

    /// Stores the snapshot and keeps it as what its row reads back: its dates are whole seconds and its amounts exact
    /// rationals, so the row reads back as this very snapshot (a test holds it for random snapshots, and every debug
    /// build checks each one).
    func addSnapshot(_ readBack: SubscriptionSnapshot, of contractID: String, event eventID: String) async throws {
        let snapshot = try StoredSnapshot(readBack, of: contractID, event: eventID)
        assert((try? snapshot.readBack()) == readBack, "the stored snapshot of \(eventID) reads back as another")
        memo.keep(readBack, as: snapshot)
        let inserted = try await db.first(
            """
            INSERT INTO subscription_snapshots (contract_id, event_id, effective_at, order_key, terms, status) VALUES (?, ?, ?, ?, ?, ?)
            ON CONFLICT (contract_id, effective_at, order_key) DO NOTHING RETURNING 1 AS inserted
            """,
            [
                snapshot.contractID, snapshot.eventID, snapshot.effectiveAt.stored, snapshot.order, String(decoding: snapshot.terms, as: UTF8.self),
                readBack.status,
            ]
        )
        if inserted != nil, let written { try written.lists.inserted(snapshot, as: readBack, on: written.connection) }
    }

    func snapshots(of contractIDs: [String]) async throws -> [String: [SubscriptionSnapshot]] {
        if let cache, contractIDs.count >= Self.readFromTheCopy {
            let copy = try await cache.value(in: db, read: readAll).snapshots
            return Dictionary(uniqueKeysWithValues: contractIDs.compactMap { id in copy[id].map { (id, $0) } })
        }
        guard let written else { return try await readSnapshots(of: contractIDs).mapValues { $0.map(\.snapshot) } }
        var lists: [String: [SubscriptionSnapshot]] = [:]
        for id in contractIDs {
            lists[id] = try await written.lists.snapshots(of: id, on: written.connection) { try await readSnapshots(of: [id])[id] ?? [] }
        }
        return lists
    }

    /// Each contract's snapshots in one statement, in the order of `snapshots(of:)`.
    private func readSnapshots(of contractIDs: [String]) async throws -> [String: [ReadSnapshot]] {
        guard !contractIDs.isEmpty else { return [:] }
        var snapshots = OrderedGroups<ReadSnapshot>()
        try await db.forEachRow(
            "SELECT * FROM subscription_snapshots WHERE contract_id IN (\(placeholders(for: contractIDs))) ORDER BY contract_id, effective_at, order_key",
            contractIDs
        ) { row in
            let stored = Self.decodeSnapshot(row)
            snapshots.append(ReadSnapshot(stored: stored, snapshot: try memo.readBack(stored)), of: stored.contractID)
        }
        return snapshots.finish()
    }

    /// Every contract, with every subscription snapshot read back.
    func all() async throws -> AllContracts { try await cache.value(in: db, read: readAll) }

    private func readAll() async throws -> AllContracts {
        var snapshots = OrderedGroups<SubscriptionSnapshot>()
        try await db.forEachRow("SELECT * FROM subscription_snapshots ORDER BY contract_id, effective_at, order_key") { row in
            let stored = Self.decodeSnapshot(row)
            snapshots.append(try memo.readBack(stored), of: stored.contractID)
        }
        return AllContracts(
            byAccount: Dictionary(grouping: try await db.map("SELECT * FROM contracts ORDER BY seq", decode), by: \.accountID),
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
            contract.cancelEffective?.stored, contract.cancelReason?.rawValue, contract.cancelFeedback, contract.updatedAt.stored,
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
            updatedAt: row.date("updated_at") ?? .distantPast,
            cancelReason: row.string("cancel_reason").flatMap(ChurnReason.init(rawValue:)),
            cancelFeedback: row.string("cancel_feedback")
        )
    }
}
