import Foundation
import TenureCore

/// Which customers `GET /v1/health` lists, and in what order.
public struct HealthListFilter: Sendable {
    public var band: String?
    public var segment: Segment?
    public var owner: String?
    /// `score` ascending, `-score` descending, nil for insertion order.
    public var sortByScore: Bool?
    public var asOf: Date

    public init(band: String? = nil, segment: Segment? = nil, owner: String? = nil, sortByScore descending: Bool? = nil, asOf: Date) {
        self.band = band
        self.segment = segment
        self.owner = owner
        self.sortByScore = descending
        self.asOf = asOf
    }
}

public struct RiskFilter: Sendable {
    public var accountID: String?
    public var code: RiskFlagCode?
    public var severity: RiskSeverity?
    public var asOf: Date
    /// Risks or growth signals; nil for both.
    public var kind: FlagKind?

    public init(accountID: String? = nil, code: RiskFlagCode? = nil, severity: RiskSeverity? = nil, asOf: Date, kind: FlagKind? = .risk) {
        self.kind = kind
        self.accountID = accountID
        self.code = code
        self.severity = severity
        self.asOf = asOf
    }
}

/// Stored evaluations and risk flags.
public protocol HealthRecords {
    /// Inserts or replaces the account's evaluation of that day.
    func store(_ health: DailyHealth) async throws
    /// Each account's latest evaluation evaluated at or before `asOf` (none for an account without one).
    func latest(accounts accountIDs: [String], asOf: Date) async throws -> [String: DailyHealth]
    /// The day of the account's latest evaluation.
    func latestDay(account accountID: String) async throws -> Date?
    func on(day: Date, account accountID: String) async throws -> DailyHealth?
    /// Evaluations dated in [from, to), oldest first.
    func history(account accountID: String, from: Date, to: Date) async throws -> [DailyHealth]
    func hasEvaluation(on day: Date) async throws -> Bool
    /// Customers at `filter.asOf`, each with its latest evaluation at or before it (nil when none).
    func customers(_ filter: HealthListFilter, _ page: PageRequest) async throws -> Page<(account: Account, health: DailyHealth?)>

    func flag(id: String) async throws -> RiskFlag?
    func openFlags(account accountID: String) async throws -> [RiskFlag]
    /// Each account's flags open at `asOf`, in the order they were raised.
    func flags(accounts accountIDs: [String], openAt asOf: Date) async throws -> [String: [RiskFlag]]
    func insertFlag(_ flag: RiskFlag) async throws
    func closeFlag(id: String, at: Date) async throws
    /// Flags open at `filter.asOf`, in the order they were raised.
    func risks(_ filter: RiskFilter, _ page: PageRequest) async throws -> Page<RiskFlag>
    /// Accounts with a flag open now.
    func accountsWithOpenFlags() async throws -> [String]
}

extension HealthRecords {
    /// The account's latest evaluation evaluated at or before `asOf`.
    public func latest(account accountID: String, asOf: Date) async throws -> DailyHealth? {
        try await latest(accounts: [accountID], asOf: asOf)[accountID]
    }

    /// The account's flags open at `asOf`.
    public func flags(account accountID: String, openAt asOf: Date) async throws -> [RiskFlag] {
        try await flags(accounts: [accountID], openAt: asOf)[accountID] ?? []
    }
}
