import Foundation

/// An NPS (0–10) or CSAT (1–5) answer.
public struct Survey: Sendable, Equatable {
    public var id: String
    public var accountID: String
    public var kind: SurveyKind
    public var score: Int
    public var respondedAt: Date
    public var contactID: String?
    public var comment: String?
    public var createdAt: Date

    public init(id: String, accountID: String, kind: SurveyKind, score: Int, respondedAt: Date, contactID: String?, comment: String?, createdAt: Date)
    {
        self.id = id
        self.accountID = accountID
        self.kind = kind
        self.score = score
        self.respondedAt = respondedAt
        self.contactID = contactID
        self.comment = comment
        self.createdAt = createdAt
    }

    public var response: SurveyResponse { SurveyResponse(kind: kind, score: score, contactID: contactID, at: respondedAt) }

    /// The scores a kind accepts.
    public static func scale(_ kind: SurveyKind) -> ClosedRange<Int> { kind == .nps ? 0...10 : 1...5 }
}

/// One stored evaluation: an account's health on a UTC day, evaluated at `evaluatedAt`.
public struct DailyHealth: Sendable, Equatable {
    public var accountID: String
    public var day: Date
    public var evaluatedAt: Date
    public var score: Int?
    public var band: HealthBand?
    /// Each component's exact score; absent or nil without data.
    public var components: [HealthComponent: Double]

    public init(accountID: String, day: Date, evaluatedAt: Date, score: Int?, band: HealthBand?, components: [HealthComponent: Double]) {
        self.accountID = accountID
        self.day = day
        self.evaluatedAt = evaluatedAt
        self.score = score
        self.band = band
        self.components = components
    }

    public init(accountID: String, _ evaluation: HealthEvaluation, asOf: Date) {
        self.init(
            accountID: accountID,
            day: asOf.startOfUTCDay,
            evaluatedAt: asOf,
            score: evaluation.score,
            band: evaluation.band,
            components: Dictionary(uniqueKeysWithValues: evaluation.components.compactMap { item in item.score.map { (item.component, $0) } })
        )
    }
}

/// A risk flag, open from `since` (the evaluation that raised it) until `closedAt` (the first that no longer did).
public struct RiskFlag: Sendable, Equatable {
    public var id: String
    public var accountID: String
    public var code: RiskFlagCode
    public var since: Date
    public var closedAt: Date?

    public init(id: String, accountID: String, code: RiskFlagCode, since: Date, closedAt: Date?) {
        self.id = id
        self.accountID = accountID
        self.code = code
        self.since = since
        self.closedAt = closedAt
    }

    public var severity: RiskSeverity { code.severity }

    public func isOpen(at instant: Date) -> Bool { since <= instant && closedAt.map { $0 > instant } ?? true }
}

public enum TaskStatus: String, Codable, CaseIterable, Sendable {
    case open, done
}

/// Work for an account's owner, created by a playbook when a risk flag is raised.
public struct SuccessTask: Sendable, Equatable {
    public var id: String
    public var accountID: String
    public var playbook: RiskFlagCode
    public var title: String
    public var owner: String?
    public var status: TaskStatus
    public var dueAt: Date
    public var flagID: String?
    public var createdAt: Date
    public var completedAt: Date?
    public var updatedAt: Date

    public init(
        id: String,
        accountID: String,
        playbook: RiskFlagCode,
        title: String,
        owner: String?,
        status: TaskStatus,
        dueAt: Date,
        flagID: String?,
        createdAt: Date,
        completedAt: Date?,
        updatedAt: Date
    ) {
        self.id = id
        self.accountID = accountID
        self.playbook = playbook
        self.title = title
        self.owner = owner
        self.status = status
        self.dueAt = dueAt
        self.flagID = flagID
        self.createdAt = createdAt
        self.completedAt = completedAt
        self.updatedAt = updatedAt
    }

    /// The playbook's task for a flag raised at `raisedAt`: for the account owner, due by the flag's severity.
    public static func playbook(for flag: RiskFlag, owner: String?, id: String) -> SuccessTask {
        SuccessTask(
            id: id,
            accountID: flag.accountID,
            playbook: flag.code,
            title: flag.code.action,
            owner: owner,
            status: .open,
            dueAt: flag.code.taskDue(raisedAt: flag.since),
            flagID: flag.id,
            createdAt: flag.since,
            completedAt: nil,
            updatedAt: flag.since
        )
    }
}

extension Date {
    /// 00:00:00Z of this instant's UTC day.
    public var startOfUTCDay: Date { Date(timeIntervalSince1970: (timeIntervalSince1970 / 86_400).rounded(.down) * 86_400) }
}
