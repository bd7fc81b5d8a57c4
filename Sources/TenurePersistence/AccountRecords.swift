import Foundation
import SQLiteStore
import TenureCore
import TenureJSON
import TenureServices

struct SQLAccountRecords: AccountRecords {
    let db: any SQLConnection
    /// Every account's slice values as last read, in read transactions.
    var slices: ReadCache<[String: SliceValues]>? = nil

    static let columns =
        "seq, id, name, domain, segment, industry, employee_count, owner, external_id, stripe_customer_id, merged_into, created_at, updated_at, crm_synced_at, won_at, paid_at, converted_at, tags"

    func insert(_ account: Account) async throws {
        try await db.query(
            """
            INSERT INTO accounts (id, name, domain, segment, industry, employee_count, owner, external_id, stripe_customer_id,
                                  merged_into, crm_synced_at, tags, created_at, updated_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """,
            [account.id] + values(account) + [account.createdAt.stored, account.updatedAt.stored]
        )
    }

    func update(_ account: Account) async throws {
        try await db.query(
            """
            UPDATE accounts SET name = ?, domain = ?, segment = ?, industry = ?, employee_count = ?, owner = ?, external_id = ?,
                                stripe_customer_id = ?, merged_into = ?, crm_synced_at = ?, tags = ?, updated_at = ?
            WHERE id = ?
            """,
            values(account) + [account.updatedAt.stored, account.id]
        )
    }

    func find(ids: [String]) async throws -> [String: Account] {
        guard !ids.isEmpty else { return [:] }
        let accounts = try await db.map("SELECT \(Self.columns) FROM accounts WHERE id IN (\(placeholders(for: ids)))", ids, decode)
        return Dictionary(uniqueKeysWithValues: accounts.map { ($0.id, $0) })
    }

    func find(domain: String) async throws -> Account? {
        try await db.first("SELECT \(Self.columns) FROM accounts WHERE domain = ? AND merged_into IS NULL", [domain], decode)
    }

    func find(externalID: String) async throws -> Account? {
        try await db.first("SELECT \(Self.columns) FROM accounts WHERE external_id = ? AND merged_into IS NULL", [externalID], decode)
    }

    func find(stripeCustomerID: String) async throws -> Account? {
        try await db.first(
            "SELECT \(Self.columns) FROM accounts WHERE stripe_customer_id = ? AND merged_into IS NULL ORDER BY seq LIMIT 1",
            [stripeCustomerID],
            decode
        )
    }

    func list(_ filter: AccountFilter, asOf: Date, _ request: PageRequest) async throws -> Page<Account> {
        var conditions = Conditions()
        if !filter.includeMerged { conditions.add("merged_into IS NULL") }
        conditions.add("segment = ?", ifPresent: filter.segment?.rawValue)
        conditions.add("owner = ?", ifPresent: filter.owner)
        conditions.add("lower(trim(owner)) = ?", ifPresent: filter.visibleTo)
        conditions.add("external_id = ?", ifPresent: filter.externalID)
        if let ids = filter.ids {
            conditions.add("id IN (\(placeholders(for: ids)))", values: ids)
        }
        if let tag = filter.tag {
            conditions.add("lower(tags) LIKE ? ESCAPE '\\'", "%" + StoredJSON.text(.string(tag.lowercased())).likeEscaped + "%")
        }
        // The accounts with an open high or critical flag first (few): the stage's ledger lookup runs on those only.
        if filter.atRisk {
            let severities = RiskSeverity.puttingAtRisk.map { "'\($0.rawValue)'" }.joined(separator: ", ")
            conditions.add(
                """
                id IN (SELECT account_id FROM risk_flags WHERE severity IN (\(severities)) AND since <= ? AND (closed_at IS NULL OR closed_at > ?))
                """,
                asOf.stored,
                asOf.stored
            )
            if filter.lifecycleStage != .customer { Self.stageCondition(.customer, asOf: asOf, into: &conditions) }
        }
        if let stage = filter.lifecycleStage { Self.stageCondition(stage, asOf: asOf, into: &conditions) }
        if let band = filter.band {
            let latest = "SELECT band FROM health_scores h WHERE h.account_id = accounts.id AND h.evaluated_at <= ? ORDER BY h.day DESC LIMIT 1"
            conditions.add("COALESCE((\(latest)), 'unscored') = ?", asOf.stored, band)
        }
        if let query = filter.query {
            let pattern = "%" + query.lowercased().likeEscaped + "%"
            conditions.add("(lower(name) LIKE ? ESCAPE '\\' OR domain LIKE ? ESCAPE '\\')", pattern, pattern)
        }
        return try await page(db, select: "SELECT \(Self.columns) FROM accounts", conditions: conditions, request, decode: decode)
    }

    func identities() async throws -> [(id: String, name: String, domain: String?)] {
        try await db.map("SELECT id, name, domain FROM accounts WHERE merged_into IS NULL ORDER BY seq") {
            (id: $0.string("id") ?? "", name: $0.string("name") ?? "", domain: $0.string("domain"))
        }
    }

    func owners() async throws -> [(owner: String, accounts: Int)] {
        try await db.map(
            "SELECT owner, count(*) AS accounts FROM accounts WHERE merged_into IS NULL AND owner IS NOT NULL GROUP BY owner ORDER BY owner"
        ) { (owner: $0.string("owner") ?? "", accounts: $0.int("accounts") ?? 0) }
    }

    func sliceValues() async throws -> [String: SliceValues] {
        guard let slices else { return try await readSliceValues() }
        return try await slices.value(in: db, read: readSliceValues)
    }

    private func readSliceValues() async throws -> [String: SliceValues] {
        var values: [String: SliceValues] = [:]
        try await db.forEachRow("SELECT id, segment, industry, owner FROM accounts WHERE merged_into IS NULL") { row in
            values[row.string("id") ?? ""] = SliceValues(segment: row.string("segment"), industry: row.string("industry"), owner: row.string("owner"))
        }
        return values
    }

    func moveRecords(from source: String, to target: String) async throws {
        // A source contact whose email the target already has becomes that contact: what points at it follows it
        // (its activities, surveys, consents and cases, and the tombstones of contacts merged into it).
        for (table, column) in MergedRecords.tables.map({ ($0, "contact_id") }) + [("contacts", "merged_into")] {
            try await db.query(
                """
                UPDATE \(table) SET \(column) = (
                    SELECT t.id FROM contacts s JOIN contacts t ON t.account_id = ? AND t.email = s.email WHERE s.id = \(table).\(column))
                WHERE \(column) IN (
                    SELECT s.id FROM contacts s JOIN contacts t ON t.account_id = ? AND t.email = s.email WHERE s.account_id = ?)
                """,
                [target, target, source]
            )
        }
        try await db.query(
            "DELETE FROM contacts WHERE account_id = ? AND email IN (SELECT email FROM contacts WHERE account_id = ? AND email IS NOT NULL)",
            [source, target]
        )
        try await db.query("UPDATE contacts SET account_id = ? WHERE account_id = ?", [target, source])
        try await db.query("UPDATE activities SET account_id = ? WHERE account_id = ?", [target, source])
        try await SQLOpportunityRecords(db: db).moveAccount(from: source, to: target)
        for table in ["contracts", "payments", "cases", "surveys"] {
            try await db.query("UPDATE \(table) SET account_id = ? WHERE account_id = ?", [target, source])
        }
        // Usage of a day the target already has, and an open task of a playbook the target already has open, stay with the
        // source; its scores and flags stay as history: the next evaluation judges the merged account.
        try await db.query(
            "UPDATE usage_records SET account_id = ? WHERE account_id = ? AND day NOT IN (SELECT day FROM usage_records WHERE account_id = ?)",
            [target, source, target]
        )
        try await db.query(
            """
            UPDATE tasks SET account_id = ? WHERE account_id = ?
                AND NOT (status = 'open' AND playbook <> 'automation'
                         AND playbook IN (SELECT playbook FROM tasks WHERE account_id = ? AND status = 'open'))
            """,
            [target, source, target]
        )
    }

    private func values(_ account: Account) -> [any SQLiteBindable] {
        [
            account.name, account.domain, account.segment?.rawValue, account.industry, account.employeeCount, account.owner,
            account.externalID, account.stripeCustomerID, account.mergedInto, account.crmSyncedAt?.stored,
            StoredJSON.text(.array(account.tags.map(JSONValue.string))),
        ]
    }

    func owner(of resource: OwnedResource, id: String) async throws -> ResourceOwner? {
        let sql =
            switch resource {
            case .account: "SELECT owner FROM accounts WHERE id = ?"
            case .contact, .opportunity, .contract, .case, .task, .event:
                "SELECT a.owner FROM \(Self.table(resource)) r LEFT JOIN accounts a ON a.id = r.account_id WHERE r.id = ?"
            case .consent:
                """
                SELECT a.owner FROM consents r LEFT JOIN contacts c ON c.id = r.contact_id LEFT JOIN accounts a ON a.id = c.account_id
                WHERE r.id = ?
                """
            }
        return try await db.first(sql, [id]) { ResourceOwner(owner: $0.string("owner")) }
    }

    private static func table(_ resource: OwnedResource) -> String {
        switch resource {
        case .account: "accounts"
        case .contact: "contacts"
        case .opportunity: "opportunities"
        case .contract: "contracts"
        case .case: "cases"
        case .task: "tasks"
        case .consent: "consents"
        case .event: "events"
        }
    }

    func ids(ownedBy owner: String) async throws -> Set<String> {
        Set(try await db.map("SELECT id FROM accounts WHERE lower(trim(owner)) = ?", [owner]) { $0.string("id") ?? "" })
    }

    func decode(_ row: Row) -> Account {
        var account = Account(
            id: row.string("id") ?? "",
            name: row.string("name") ?? "",
            domain: row.string("domain"),
            segment: row.string("segment").flatMap(Segment.init(rawValue:)),
            industry: row.string("industry"),
            employeeCount: row.int("employee_count"),
            owner: row.string("owner"),
            externalID: row.string("external_id"),
            stripeCustomerID: row.string("stripe_customer_id"),
            mergedInto: row.string("merged_into"),
            createdAt: row.date("created_at") ?? .distantPast,
            updatedAt: row.date("updated_at") ?? .distantPast,
            crmSyncedAt: row.date("crm_synced_at")
        )
        account.wonAt = row.date("won_at")
        account.paidAt = row.date("paid_at")
        account.convertedAt = row.date("converted_at")
        account.tags = row.string("tags").flatMap(StoredJSON.value)?.array.compactMap(\.string) ?? []
        return account
    }
}

extension SQLAccountRecords {
    /// Accounts (not merged away) that are customers at `asOf`.
    static func customers(asOf: Date) -> Conditions {
        var conditions = Conditions()
        conditions.add("merged_into IS NULL")
        stageCondition(.customer, asOf: asOf, into: &conditions)
        return conditions
    }

    /// Accounts whose lifecycle stage at `asOf` is `stage`, judged in SQL from the derived instants and the ledger.
    static func stageCondition(_ stage: LifecycleStage, asOf: Date, into conditions: inout Conditions) {
        let latestKind = "(SELECT kind FROM mrr_movements m WHERE m.account_id = accounts.id AND m.at <= ? ORDER BY m.at DESC, m.seq DESC LIMIT 1)"
        switch stage {
        case .prospect: conditions.add("(won_at IS NULL OR won_at > ?)", asOf.stored)
        case .pendingPayment: conditions.add("won_at <= ? AND (paid_at IS NULL OR paid_at > ?)", asOf.stored, asOf.stored)
        case .customer:
            conditions.add("won_at <= ? AND paid_at <= ? AND COALESCE(\(latestKind), '') != 'churn'", asOf.stored, asOf.stored, asOf.stored)
        case .churned: conditions.add("won_at <= ? AND paid_at <= ? AND \(latestKind) = 'churn'", asOf.stored, asOf.stored, asOf.stored)
        }
    }
}

extension String {
    /// The text as a `LIKE … ESCAPE '\\'` pattern matches it literally.
    var likeEscaped: String {
        replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "%", with: "\\%").replacingOccurrences(of: "_", with: "\\_")
    }
}
