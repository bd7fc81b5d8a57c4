import Foundation
import SQLiteStore
import TenureCore
import TenureServices

struct SQLHealthRecords: HealthRecords {
    let db: any SQLConnection
    /// Every evaluation's band and every flag as last read, in read transactions.
    var cache: ReadCache<HealthCopy>?

    private static let componentColumns = HealthComponent.allCases.map(\.rawValue)

    func store(_ health: DailyHealth) async throws {
        let components = Self.componentColumns.joined(separator: ", ")
        let updates = Self.componentColumns.map { "\($0) = excluded.\($0)" }.joined(separator: ", ")
        try await db.query(
            """
            INSERT INTO health_scores (account_id, day, evaluated_at, score, band, \(components))
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT (account_id, day) DO UPDATE SET evaluated_at = excluded.evaluated_at, score = excluded.score, band = excluded.band,
                \(updates)
            """,
            [health.accountID, health.day.stored, health.evaluatedAt.stored, health.score, health.band?.rawValue]
                + HealthComponent.allCases.map { health.components[$0] }
        )
    }

    func latest(accounts accountIDs: [String], asOf: Date) async throws -> [String: DailyHealth] {
        guard !accountIDs.isEmpty else { return [:] }
        let latest = try await db.map(
            "SELECT h.* FROM \(Self.accountsWithLatestHealth) WHERE accounts.id IN (\(placeholders(for: accountIDs))) AND h.account_id IS NOT NULL",
            [asOf.stored] + accountIDs,
            Self.decode
        )
        return Dictionary(uniqueKeysWithValues: latest.map { ($0.accountID, $0) })
    }

    func latestDay(account accountID: String) async throws -> Date? {
        try await db.first("SELECT max(day) AS day FROM health_scores WHERE account_id = ?", [accountID])?.date("day")
    }

    func on(day: Date, account accountID: String) async throws -> DailyHealth? {
        try await db.first("SELECT * FROM health_scores WHERE account_id = ? AND day = ?", [accountID, day.stored]).map(Self.decode)
    }

    func history(account accountID: String, from: Date, to: Date) async throws -> [DailyHealth] {
        try await db.query(
            "SELECT * FROM health_scores WHERE account_id = ? AND day >= ? AND day < ? ORDER BY day",
            [accountID, from.stored, to.stored]
        )
        .map(Self.decode)
    }

    func hasEvaluation(on day: Date) async throws -> Bool {
        try await db.first("SELECT 1 AS found FROM health_scores WHERE day = ? LIMIT 1", [day.stored]) != nil
    }

    func customers(_ filter: HealthListFilter, _ request: PageRequest) async throws -> Page<(account: Account, health: DailyHealth?)> {
        var conditions = SQLAccountRecords.customers(asOf: filter.asOf)
        conditions.add("segment = ?", ifPresent: filter.segment?.rawValue)
        conditions.add("owner = ?", ifPresent: filter.owner)
        conditions.add("COALESCE(h.band, 'unscored') = ?", ifPresent: filter.band)
        // Unscored sorts below every score.
        let key = filter.sortByScore == nil ? "0" : "COALESCE(h.score, -1)"
        let descending = filter.sortByScore == true
        if let after = request.after {
            conditions.add("(\(key) \(descending ? "<" : ">") ? OR (\(key) = ? AND accounts.seq > ?))", after.key, after.key, after.seq)
        }
        let rows = try await db.query(
            """
            SELECT \(SQLAccountRecords.columns), h.account_id, h.day, h.evaluated_at, h.score, h.band, \(Self.componentColumns.joined(separator: ", ")),
                   \(key) AS sort_key
            FROM \(Self.accountsWithLatestHealth)
            \(conditions.sql)
            ORDER BY sort_key \(descending ? "DESC" : "ASC"), accounts.seq LIMIT ?
            """,
            [filter.asOf.stored] + conditions.parameters + [request.limit + 1]
        )
        let accounts = SQLAccountRecords(db: db)
        let kept = rows.prefix(request.limit)
        let items = kept.map { row in (account: accounts.decode(row), health: row.string("account_id") == nil ? nil : Self.decode(row)) }
        let last = rows.count > request.limit ? kept.last : nil
        return Page(items: items, next: last.map { PageCursor(key: Int64($0.int("sort_key") ?? 0), seq: Int64($0.int("seq") ?? 0)) })
    }

    /// Every evaluation's band and every flag, shared when in a read transaction.
    func copy() async throws -> HealthCopy { try await cache.value(in: db, read: readCopy) }

    /// Every evaluation (from `health_scores_band` alone, account by account in day order) and every flag.
    private func readCopy() async throws -> HealthCopy {
        var evaluations = OrderedGroups<BandEvaluation>()
        try await db.forEachRow("SELECT account_id, evaluated_at, band FROM health_scores ORDER BY account_id, day") { row in
            evaluations.append(
                BandEvaluation(
                    evaluatedAt: row.date("evaluated_at") ?? .distantPast,
                    band: row.string("band").flatMap(HealthBand.init(rawValue:))
                ),
                of: row.string("account_id") ?? ""
            )
        }
        let flags = try await db.map("SELECT * FROM risk_flags ORDER BY seq", Self.decodeFlag)
        return HealthCopy(evaluations: evaluations.finish(), flags: Dictionary(grouping: flags, by: \.accountID))
    }

    /// A risk flag open at an instant (bound twice): raised by then and not yet closed.
    private static let openAt = "since <= ? AND (closed_at IS NULL OR closed_at > ?)"

    /// Accounts joined with their latest evaluation at or before the first parameter. The latest day is found walking
    /// the account's days backwards in `health_scores_band` (usually one step), not by reading all of them for max(day).
    private static let accountsWithLatestHealth = """
        accounts LEFT JOIN health_scores h ON h.account_id = accounts.id AND h.day = (
            SELECT day FROM health_scores x WHERE x.account_id = accounts.id AND x.evaluated_at <= ? ORDER BY day DESC LIMIT 1)
        """

    func flag(id: String) async throws -> RiskFlag? { try await db.first("SELECT * FROM risk_flags WHERE id = ?", [id], Self.decodeFlag) }

    func openFlags(account accountID: String) async throws -> [RiskFlag] {
        try await db.map("SELECT * FROM risk_flags WHERE account_id = ? AND closed_at IS NULL ORDER BY seq", [accountID], Self.decodeFlag)
    }

    func flags(accounts accountIDs: [String], openAt asOf: Date) async throws -> [String: [RiskFlag]] {
        guard !accountIDs.isEmpty else { return [:] }
        let flags = try await db.map(
            "SELECT * FROM risk_flags WHERE account_id IN (\(placeholders(for: accountIDs))) AND \(Self.openAt) ORDER BY seq",
            accountIDs + [asOf.stored, asOf.stored],
            Self.decodeFlag
        )
        return Dictionary(grouping: flags, by: \.accountID)
    }

    func insertFlag(_ flag: RiskFlag) async throws {
        try await db.query(
            "INSERT INTO risk_flags (id, account_id, code, severity, since, closed_at) VALUES (?, ?, ?, ?, ?, ?)",
            [flag.id, flag.accountID, flag.code.rawValue, flag.severity.rawValue, flag.since.stored, flag.closedAt?.stored]
        )
    }

    func closeFlag(id: String, at: Date) async throws {
        try await db.query("UPDATE risk_flags SET closed_at = ? WHERE id = ?", [at.stored, id])
    }

    func risks(_ filter: RiskFilter, _ request: PageRequest) async throws -> Page<RiskFlag> {
        var conditions = Conditions()
        conditions.add(Self.openAt, filter.asOf.stored, filter.asOf.stored)
        conditions.add("account_id = ?", ifPresent: filter.accountID)
        conditions.add("code = ?", ifPresent: filter.code?.rawValue)
        conditions.add("severity = ?", ifPresent: filter.severity?.rawValue)
        if let kind = filter.kind {
            let codes = RiskFlagCode.allCases.filter { $0.kind == kind }.map(\.rawValue)
            conditions.add("code IN (\(placeholders(for: codes)))", values: codes)
        }
        return try await page(db, select: "SELECT * FROM risk_flags", conditions: conditions, request, decode: Self.decodeFlag)
    }

    func accountsWithOpenFlags() async throws -> [String] {
        try await db.query("SELECT DISTINCT account_id FROM risk_flags WHERE closed_at IS NULL").compactMap { $0.string("account_id") }
    }

    private static func decode(_ row: Row) -> DailyHealth {
        var components: [HealthComponent: Double] = [:]
        for component in HealthComponent.allCases { components[component] = row.double(component.rawValue) }
        return DailyHealth(
            accountID: row.string("account_id") ?? "",
            day: row.date("day") ?? .distantPast,
            evaluatedAt: row.date("evaluated_at") ?? .distantPast,
            score: row.int("score"),
            band: row.string("band").flatMap(HealthBand.init(rawValue:)),
            components: components
        )
    }

    private static func decodeFlag(_ row: Row) -> RiskFlag {
        RiskFlag(
            id: row.string("id") ?? "",
            accountID: row.string("account_id") ?? "",
            code: row.string("code").flatMap(RiskFlagCode.init(rawValue:)) ?? .healthRed,
            since: row.date("since") ?? .distantPast,
            closedAt: row.date("closed_at")
        )
    }
}
