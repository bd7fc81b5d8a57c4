import Foundation
import TenureCore

/// One account's usage on one day.
public struct AccountUsage: Sendable, Equatable {
    public var accountID: String
    public var record: UsageRecord

    public init(accountID: String, record: UsageRecord) {
        self.accountID = accountID
        self.record = record
    }
}

public protocol UsageRecords {
    /// Inserts or replaces each (account, day).
    func upsert(_ usage: [AccountUsage], at: Date) throws
    /// The account's records dated in [from, to), oldest first.
    func of(account accountID: String, from: Date, to: Date) throws -> [UsageRecord]
    /// Oldest first; the cursor key is the day.
    func list(account accountID: String, from: Date?, to: Date?, _ page: PageRequest) throws -> Page<UsageRecord>
}

public struct CaseFilter: Sendable {
    public var accountID: String?
    public var externalID: String?
    /// Only cases opened at or before this instant.
    public var openedBy: Date?

    public init(accountID: String? = nil, externalID: String? = nil, openedBy: Date? = nil) {
        self.accountID = accountID
        self.externalID = externalID
        self.openedBy = openedBy
    }
}

public protocol CaseRecords {
    func insert(_ supportCase: SupportCase, at: Date) throws
    func update(_ supportCase: SupportCase, at: Date) throws
    func find(id: String) throws -> SupportCase?
    func find(externalID: String) throws -> SupportCase?
    func list(_ filter: CaseFilter, _ page: PageRequest) throws -> Page<SupportCase>
    /// The account's cases opened at or before `asOf`.
    func of(account accountID: String, openedBy asOf: Date) throws -> [SupportCase]
    /// Every case opened before `to` that was opened, or changed, at or after `from`: all a window's metrics can need.
    func touched(from: Date, to: Date) throws -> [SupportCase]
    /// The opening and first response of every case opened in `[from, to)`.
    func firstResponses(openedFrom from: Date, to: Date) throws -> [(openedAt: Date, firstResponseAt: Date?)]
}

public struct SurveyFilter: Sendable {
    public var accountID: String?
    public var kind: SurveyKind?

    public init(accountID: String? = nil, kind: SurveyKind? = nil) {
        self.accountID = accountID
        self.kind = kind
    }
}

public protocol SurveyRecords {
    func insert(_ survey: Survey) throws
    func list(_ filter: SurveyFilter, _ page: PageRequest) throws -> Page<Survey>
    /// The account's responses in (from, to].
    func of(account accountID: String, after from: Date, upTo to: Date) throws -> [Survey]
}

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

    public init(accountID: String? = nil, code: RiskFlagCode? = nil, severity: RiskSeverity? = nil, asOf: Date) {
        self.accountID = accountID
        self.code = code
        self.severity = severity
        self.asOf = asOf
    }
}

/// Stored evaluations and risk flags.
public protocol HealthRecords {
    /// Inserts or replaces the account's evaluation of that day.
    func store(_ health: DailyHealth) throws
    /// The account's latest evaluation evaluated at or before `asOf`.
    func latest(account accountID: String, asOf: Date) throws -> DailyHealth?
    /// The day of the account's latest evaluation.
    func latestDay(account accountID: String) throws -> Date?
    func on(day: Date, account accountID: String) throws -> DailyHealth?
    /// Evaluations dated in [from, to), oldest first.
    func history(account accountID: String, from: Date, to: Date) throws -> [DailyHealth]
    func hasEvaluation(on day: Date) throws -> Bool
    /// Customers at `filter.asOf`, each with its latest evaluation at or before it (nil when none).
    func customers(_ filter: HealthListFilter, _ page: PageRequest) throws -> Page<(account: Account, health: DailyHealth?)>

    func openFlags(account accountID: String) throws -> [RiskFlag]
    /// The account's flags open at `asOf`.
    func flags(account accountID: String, openAt asOf: Date) throws -> [RiskFlag]
    func insertFlag(_ flag: RiskFlag) throws
    func closeFlag(id: String, at: Date) throws
    /// Flags open at `filter.asOf`, in the order they were raised.
    func risks(_ filter: RiskFilter, _ page: PageRequest) throws -> Page<RiskFlag>
    /// Accounts with a flag open now.
    func accountsWithOpenFlags() throws -> [String]
}

public struct TaskFilter: Sendable {
    public var accountID: String?
    public var owner: String?
    public var status: TaskStatus?

    public init(accountID: String? = nil, owner: String? = nil, status: TaskStatus? = nil) {
        self.accountID = accountID
        self.owner = owner
        self.status = status
    }
}

public protocol TaskRecords {
    func insert(_ task: SuccessTask) throws
    func update(_ task: SuccessTask) throws
    func find(id: String) throws -> SuccessTask?
    func open(account accountID: String, playbook: RiskFlagCode) throws -> SuccessTask?
    func list(_ filter: TaskFilter, _ page: PageRequest) throws -> Page<SuccessTask>
}
