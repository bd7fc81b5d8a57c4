import Foundation

/// What to do when a flag is raised: the task's title, when it is due and for whom (`INSIGHTS.md`, "Growth signals,
/// playbooks, tasks"). Every flag code has one: the company's own, or its built-in.
public struct Playbook: Sendable, Equatable, Codable {
    public var flag: RiskFlagCode
    public var title: String
    public var dueInDays: Int
    public var assignee: Assignee
    public var enabled: Bool

    public enum Assignee: Sendable, Equatable, Codable {
        case accountOwner
        case person(String)

        /// As given and shown: `account_owner` or the person.
        public init(_ text: String) { self = text == Self.accountOwnerName ? .accountOwner : .person(text) }

        public var name: String {
            switch self {
            case .accountOwner: Self.accountOwnerName
            case .person(let person): person
            }
        }

        static let accountOwnerName = "account_owner"

        public init(from decoder: any Decoder) throws { self.init(try decoder.singleValueContainer().decode(String.self)) }

        public func encode(to encoder: any Encoder) throws {
            var container = encoder.singleValueContainer()
            try container.encode(name)
        }
    }

    public static let maximumDueInDays = 365

    public init(flag: RiskFlagCode, title: String, dueInDays: Int, assignee: Assignee = .accountOwner, enabled: Bool = true) {
        self.flag = flag
        self.title = title
        self.dueInDays = dueInDays
        self.assignee = assignee
        self.enabled = enabled
    }

    /// The playbook a flag has unless the company writes its own: the flag's action, due by its severity, for the owner;
    /// a growth signal's is disabled (it writes no task unless the company enables it).
    public static func builtIn(_ flag: RiskFlagCode) -> Playbook {
        Playbook(flag: flag, title: flag.action, dueInDays: flag.severity.taskDueDays, enabled: flag.kind == .risk)
    }

    /// The task for `flag`, raised at its `since`, at an account owned by `accountOwner`.
    public func task(for flag: RiskFlag, accountOwner: String?, id: String) -> SuccessTask {
        let owner =
            switch assignee {
            case .accountOwner: accountOwner
            case .person(let person): person
            }
        return SuccessTask(
            id: id,
            accountID: flag.accountID,
            playbook: flag.code,
            title: title,
            owner: owner,
            status: .open,
            dueAt: flag.since.addingTimeInterval(Double(dueInDays) * 86_400),
            flagID: flag.id,
            createdAt: flag.since,
            completedAt: nil,
            updatedAt: flag.since
        )
    }
}

/// The company's own playbooks, at most one per flag code; every other code keeps its built-in one.
public struct Playbooks: Sendable, Equatable, Codable {
    public var custom: [Playbook]

    public init(custom: [Playbook] = []) { self.custom = custom }

    /// The playbook `flag` follows.
    public func effective(_ flag: RiskFlagCode) -> Playbook { custom.first { $0.flag == flag } ?? .builtIn(flag) }

    /// Every code's playbook, in the codes' order, each with whether it is the company's own.
    public var all: [(playbook: Playbook, custom: Bool)] {
        RiskFlagCode.allCases.map { code in custom.first { $0.flag == code }.map { ($0, true) } ?? (.builtIn(code), false) }
    }
}
