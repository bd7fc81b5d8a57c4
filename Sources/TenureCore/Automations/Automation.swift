import Foundation

/// Trigger → conditions → actions (`EVENTS.md`, "Automations").
public struct Automation: Sendable, Equatable {
    public enum Status: String, Sendable { case enabled, disabled }

    public var id: String
    public var name: String
    public var trigger: EventType
    public var conditions: [AutomationCondition]
    public var actions: [AutomationAction]
    public var status: Status
    public var createdAt: Date
    public var updatedAt: Date

    public init(
        id: String,
        name: String,
        trigger: EventType,
        conditions: [AutomationCondition],
        actions: [AutomationAction],
        status: Status,
        createdAt: Date,
        updatedAt: Date
    ) {
        self.id = id
        self.name = name
        self.trigger = trigger
        self.conditions = conditions
        self.actions = actions
        self.status = status
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }
}

/// One step of an automation.
public enum AutomationAction: Sendable, Equatable {
    /// A task for the account's owner then (`assignee` nil) or the person named, due `dueInHours` after the step.
    case createTask(title: String, dueInHours: Double, assignee: String?)
    /// `owner` or `segment`, as a PATCH would set it.
    case setField(field: String, value: String?)
    case addTag(String)
    /// An unsigned POST of `{text, tenure: {…}}` to `url`; `{{path}}` in `text` is the value at a condition path.
    case notify(url: String, text: String)
    /// Sleeps `hours`, then stops the run if `conditions` fail.
    case wait(hours: Double, conditions: [AutomationCondition])

    public var type: String {
        switch self {
        case .createTask: "create_task"
        case .setField: "set_field"
        case .addTag: "add_tag"
        case .notify: "notify"
        case .wait: "wait"
        }
    }

    public static let types = ["create_task", "set_field", "add_tag", "notify", "wait"]
    public static let settableFields = ["owner", "segment"]
    public static let maxWaitHours = 720.0
}

/// An account's tags: at most 20, each 1 to 40 characters.
public enum AccountTags {
    public static let maxCount = 20
    public static let maxLength = 40

    public static func check(_ tags: [String], _ field: String, _ validator: inout Validator) {
        if tags.count > maxCount { validator.add(field, "must hold at most \(maxCount) tags") }
        for (index, tag) in tags.enumerated() where tag.trimmingCharacters(in: .whitespaces).isEmpty || tag.count > maxLength {
            validator.add("\(field)[\(index)]", "must be 1 to \(maxLength) characters")
        }
    }
}
