import Foundation

public enum TaskStatus: String, Codable, CaseIterable, Sendable {
    case open, done
}

/// Work for an account's owner, created by a playbook when a risk flag is raised, or by an automation; or a routed lead's
/// follow-up call for its new owner (`lead_follow_up`, no account).
public struct SuccessTask: Sendable, Equatable {
    public var id: String
    public var accountID: String?
    public var leadID: String?
    /// The built-in playbook, or nil for an automation's task (stored and shown as `automation`) and a lead's follow-up.
    public var playbook: RiskFlagCode?
    public var automationID: String?
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
        accountID: String?,
        playbook: RiskFlagCode?,
        title: String,
        owner: String?,
        status: TaskStatus,
        dueAt: Date,
        flagID: String?,
        createdAt: Date,
        completedAt: Date?,
        updatedAt: Date,
        automationID: String? = nil,
        leadID: String? = nil
    ) {
        self.automationID = automationID
        self.leadID = leadID
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

    /// `playbook` as stored and shown.
    public var playbookName: String { playbook?.rawValue ?? (leadID == nil ? Self.automationPlaybook : Self.leadFollowUpPlaybook) }
    public static let automationPlaybook = "automation"
    public static let leadFollowUpPlaybook = "lead_follow_up"

    /// The follow-up call of a lead routed to `owner` at `at`, due `hours` later (`LEADS.md`, "Routing").
    public static func leadFollowUp(id: String, lead: Lead, owner: String, at: Date, hours: Int) -> SuccessTask {
        SuccessTask(
            id: id,
            accountID: nil,
            playbook: nil,
            title: "Call \(lead.name) within \(hours) hours",
            owner: owner,
            status: .open,
            dueAt: at.addingTimeInterval(Double(hours) * 3_600),
            flagID: nil,
            createdAt: at,
            completedAt: nil,
            updatedAt: at,
            leadID: lead.id
        )
    }
}
