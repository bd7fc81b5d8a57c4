import Foundation
import SQLiteStore
import TenureCore
import TenureServices

struct SQLOpportunityRecords: OpportunityRecords {
    let db: any SQLConnection
    /// Every deal's pipeline facts as last read, in read transactions.
    var cache: ReadCache<PipelineCopy>?

    private static let columns =
        "seq, id, account_id, name, amount, currency, close_date, owner, type, external_id, created_at, updated_at, crm_synced_at, forecast_category"

    func insert(_ opportunity: Opportunity) async throws {
        try await db.query(
            """
            INSERT INTO opportunities (id, account_id, name, amount, currency, close_date, owner, type, external_id, forecast_category,
                                       created_at, updated_at, crm_synced_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """,
            [opportunity.id] + values(opportunity) + [opportunity.createdAt.stored, opportunity.updatedAt.stored, opportunity.crmSyncedAt?.stored]
        )
    }

    func update(_ opportunity: Opportunity) async throws {
        try await db.query(
            """
            UPDATE opportunities SET account_id = ?, name = ?, amount = ?, currency = ?, close_date = ?, owner = ?, type = ?,
                                     external_id = ?, forecast_category = ?, updated_at = ?, crm_synced_at = ?
            WHERE id = ?
            """,
            values(opportunity) + [opportunity.updatedAt.stored, opportunity.crmSyncedAt?.stored, opportunity.id]
        )
    }

    func find(id: String) async throws -> Opportunity? {
        try await db.first("SELECT \(Self.columns) FROM opportunities WHERE id = ?", [id], decode)
    }

    func find(externalID: String) async throws -> Opportunity? {
        try await db.first("SELECT \(Self.columns) FROM opportunities WHERE external_id = ?", [externalID], decode)
    }

    func list(_ filter: OpportunityFilter, _ request: PageRequest) async throws -> Page<Opportunity> {
        var conditions = Conditions()
        conditions.add("account_id = ?", ifPresent: filter.accountID)
        conditions.add("owner = ?", ifPresent: filter.owner)
        conditions.add("external_id = ?", ifPresent: filter.externalID)
        conditions.add("created_at <= ?", ifPresent: filter.createdBefore?.stored)
        return try await page(db, select: "SELECT \(Self.columns) FROM opportunities", conditions: conditions, request, decode: decode)
    }

    func pipelineFacts(asOf: Date) async throws -> [PipelineFacts] {
        try await cache.value(in: db, read: readPipeline).asOf(asOf)
    }

    /// Every deal, then the changes and the linked activities of every deal, all in `seq` order: each deal's rows are
    /// the next run, found without hashing its id.
    private func readPipeline() async throws -> PipelineCopy {
        var seqs: [Int] = []
        var facts: [PipelineFacts] = []
        try await db.forEachRow(
            """
            SELECT o.seq, o.amount, o.created_at, o.account_id, a.segment, a.industry, o.owner, o.close_date, o.forecast_category
            FROM opportunities o LEFT JOIN accounts a ON a.id = o.account_id AND a.merged_into IS NULL ORDER BY o.seq
            """
        ) { row in
            seqs.append(row.int("seq") ?? 0)
            facts.append(
                PipelineFacts(
                    amount: row.int("amount") ?? 0,
                    createdAt: row.date("created_at") ?? .distantPast,
                    history: StageHistory(changes: []),
                    lastActivityAt: nil,
                    accountID: row.string("account_id") ?? "",
                    slice: SliceValues(segment: row.string("segment"), industry: row.string("industry"), owner: row.string("owner")),
                    closeDate: row.string("close_date").flatMap(Timestamp.parseDate),
                    forecastOverride: row.string("forecast_category").flatMap(ForecastCategory.init(rawValue:))
                )
            )
        }
        func forEachDealRow(_ sql: String, _ body: (Int, Row) -> Void) async throws {
            var deal = 0
            try await db.forEachRow(sql) { row in
                let seq = row.int("seq") ?? 0
                while deal + 1 < seqs.count, seqs[deal] < seq { deal += 1 }
                if deal < seqs.count, seqs[deal] == seq { body(deal, row) }
            }
        }
        var changes = [[StageChange]](repeating: [], count: seqs.count)
        try await forEachDealRow(
            """
            SELECT o.seq, c.stage, c.at, c.tiebreak, c.lost_reason
            FROM opportunities o JOIN stage_changes c ON c.opportunity_id = o.id ORDER BY o.seq, c.at, c.seq
            """
        ) { deal, row in
            if let change = Self.decodeChange(row) { changes[deal].append(change) }
        }
        for deal in facts.indices where !changes[deal].isEmpty { facts[deal].history = StageHistory(changes: changes[deal]) }
        var activities = [[Date]](repeating: [], count: seqs.count)
        try await forEachDealRow(
            "SELECT o.seq, a.occurred_at FROM opportunities o JOIN activities a ON a.opportunity_id = o.id ORDER BY o.seq, a.occurred_at"
        ) { deal, row in
            if let at = row.date("occurred_at") { activities[deal].append(at) }
        }
        return PipelineCopy(facts: facts, activities: activities)
    }

    func addChange(_ change: StageChange, to opportunityID: String) async throws {
        try await db.query(
            "INSERT INTO stage_changes (opportunity_id, stage, at, tiebreak, lost_reason) VALUES (?, ?, ?, ?, ?)",
            [opportunityID, change.stage.rawValue, change.at.stored, change.order, change.lostReason]
        )
    }

    func changes(of ids: [String]) async throws -> [String: [StageChange]] {
        var changes: [String: [StageChange]] = [:]
        for id in ids {
            changes[id] = try await db.map(
                "SELECT stage, at, tiebreak, lost_reason FROM stage_changes WHERE opportunity_id = ? ORDER BY at, seq",
                [id]
            ) {
                Self.decodeChange($0)
            }.compactMap { $0 }
        }
        return changes
    }

    private static func decodeChange(_ row: Row) -> StageChange? {
        row.string("stage").flatMap(PipelineStage.init(rawValue:)).map {
            StageChange(stage: $0, at: row.date("at") ?? .distantPast, order: row.string("tiebreak") ?? "", lostReason: row.string("lost_reason"))
        }
    }

    func lastActivities(of ids: [String], asOf: Date) async throws -> [String: Date] {
        var latest: [String: Date] = [:]
        for id in ids {
            latest[id] = try await db.first(
                "SELECT max(occurred_at) AS at FROM activities WHERE opportunity_id = ? AND occurred_at <= ?",
                [id, asOf.stored]
            )?.date("at")
        }
        return latest
    }

    func setContractEndDate(_ date: Date?, of opportunityID: String) async throws {
        try await db.query("UPDATE opportunities SET contract_end_date = ? WHERE id = ?", [date?.stored, opportunityID])
    }

    func contractEndDates(accounts accountIDs: [String]) async throws -> [String: Date] {
        guard !accountIDs.isEmpty else { return [:] }
        // Many accounts (a list over the company): every account's date in one pass, then the ones asked for.
        let many = accountIDs.count > 500
        let dates = try await db.map(
            """
            SELECT account_id, max(contract_end_date) AS at FROM opportunities
            WHERE \(many ? "" : "account_id IN (\(placeholders(for: accountIDs))) AND ")contract_end_date IS NOT NULL GROUP BY account_id
            """,
            many ? [] : accountIDs
        ) { row in (row.string("account_id") ?? "", row.date("at")) }
        let asked = many ? Set(accountIDs) : nil
        return Dictionary(uniqueKeysWithValues: dates.compactMap { id, date in date.flatMap { asked?.contains(id) == false ? nil : (id, $0) } })
    }

    func moveAccount(from source: String, to target: String) async throws {
        try await db.query("UPDATE opportunities SET account_id = ? WHERE account_id = ?", [target, source])
    }

    private func values(_ opportunity: Opportunity) -> [any SQLiteBindable] {
        [
            opportunity.accountID, opportunity.name, opportunity.amount, opportunity.currency, opportunity.closeDate, opportunity.owner,
            opportunity.type.rawValue, opportunity.externalID, opportunity.forecastOverride?.rawValue,
        ]
    }

    private func decode(_ row: Row) -> Opportunity {
        Opportunity(
            id: row.string("id") ?? "",
            accountID: row.string("account_id") ?? "",
            name: row.string("name") ?? "",
            amount: row.int("amount") ?? 0,
            currency: row.string("currency") ?? "",
            closeDate: row.string("close_date"),
            owner: row.string("owner"),
            type: row.string("type").flatMap(OpportunityType.init(rawValue:)) ?? .newBusiness,
            externalID: row.string("external_id"),
            createdAt: row.date("created_at") ?? .distantPast,
            updatedAt: row.date("updated_at") ?? .distantPast,
            crmSyncedAt: row.date("crm_synced_at"),
            forecastOverride: row.string("forecast_category").flatMap(ForecastCategory.init(rawValue:))
        )
    }
}
