import Foundation

public enum TaskStatus: String, Codable, CaseIterable, Sendable {
    case open, done
}

/// Work for an account's owner, created by a playbook when a risk flag is raised, by an automation or by a person
/// (`manual`); or a routed lead's follow-up call for its new owner (`lead_follow_up`, no account).
public struct SuccessTask: Sendable, Equatable {
    public var id: String
    public var accountID: String?
    public var leadID: String?
    /// The flag's playbook, or nil for an automation's task (stored and shown as `automation`), a lead's follow-up and a
    /// manual task.
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

    /// `playbook` as stored and shown.
    public var playbookName: String {
        if let playbook { return playbook.rawValue }
        if leadID != nil { return Self.leadFollowUpPlaybook }
        return automationID == nil ? Self.manualPlaybook : Self.automationPlaybook
    }
    public static let automationPlaybook = "automation"
    public static let leadFollowUpPlaybook = "lead_follow_up"
    /// A task someone wrote (`POST /v1/tasks`): any number may be open at one account.
    public static let manualPlaybook = "manual"

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
