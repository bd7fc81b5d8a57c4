import Foundation

/// One run of an automation for one event (`EVENTS.md`, "Runs"), with each condition and action as it went.
public struct AutomationRun: Sendable, Equatable {
    public enum Status: String, Sendable, Codable, CaseIterable {
        case pending
        case notMatched = "not_matched"
        case running, waiting, completed, stopped, failed, canceled

        public var isFinished: Bool { ![.pending, .running, .waiting].contains(self) }
    }

    public struct ConditionResult: Sendable, Equatable, Codable {
        public var field: String
        public var op: String
        public var value: AutomationCondition.Value
        public var actual: AutomationCondition.Value
        public var result: Bool

        public init(_ condition: AutomationCondition, actual: AutomationCondition.Value?) {
            field = condition.field
            op = condition.op.rawValue
            value = condition.value
            self.actual = actual ?? .null
            result = condition.passes(actual)
        }
    }

    public struct ActionResult: Sendable, Equatable, Codable {
        public enum Status: String, Sendable, Codable {
            case pending, waiting, succeeded
            case notMatched = "not_matched"
            case skipped, failed
        }

        public var index: Int
        public var type: String
        public var status: Status
        /// `{task_id}`, `{field, previous, value}`, `{tag}`, `{delivery_id}`.
        public var result: [String: AutomationCondition.Value]?
        public var error: String?

        public init(index: Int, type: String, status: Status = .pending, result: [String: AutomationCondition.Value]? = nil, error: String? = nil) {
            self.index = index
            self.type = type
            self.status = status
            self.result = result
            self.error = error
        }
    }

    public var id: String
    public var automationID: String
    public var eventID: String
    public var accountID: String?
    public var status: Status
    public var conditions: [ConditionResult]
    public var actions: [ActionResult]
    /// The action the run goes on from.
    public var nextAction: Int
    public var startedAt: Date
    public var resumeAt: Date?
    public var finishedAt: Date?

    public init(id: String, automationID: String, eventID: String, accountID: String?, at now: Date) {
        self.id = id
        self.automationID = automationID
        self.eventID = eventID
        self.accountID = accountID
        status = .pending
        conditions = []
        actions = []
        nextAction = 0
        startedAt = now
        resumeAt = now
    }

    public init(id: String, automation: Automation, eventID: String, accountID: String?, at now: Date) {
        self.init(id: id, automationID: automation.id, eventID: eventID, accountID: accountID, at: now)
        actions = automation.actions.enumerated().map { ActionResult(index: $0.offset, type: $0.element.type) }
    }

    /// Ends the run with `status`; actions not reached are skipped.
    public mutating func finish(_ status: Status, at now: Date) {
        self.status = status
        for index in actions.indices where [.pending, .waiting].contains(actions[index].status) { actions[index].status = .skipped }
        resumeAt = nil
        finishedAt = now
    }
}
