import Foundation
import TenureCore
import TenureJSON

/// An automation as stored: its parsed form, and its conditions and actions as they were given (what its `GET` shows).
public struct StoredAutomation: Sendable {
    public var automation: Automation
    /// `{"conditions": […], "actions": […]}`.
    public var definition: JSONValue

    public init(automation: Automation, definition: JSONValue) {
        self.automation = automation
        self.definition = definition
    }
}

public struct AutomationRunFilter: Sendable {
    public var automationID: String?
    public var status: AutomationRun.Status?
    public var eventID: String?
    public var accountID: String?

    public init(automationID: String? = nil, status: AutomationRun.Status? = nil, eventID: String? = nil, accountID: String? = nil) {
        self.automationID = automationID
        self.status = status
        self.eventID = eventID
        self.accountID = accountID
    }
}

public protocol AutomationRecords {
    func insert(_ automation: StoredAutomation) async throws
    func update(_ automation: StoredAutomation) async throws
    func delete(id: String, at now: Date) async throws
    func find(id: String) async throws -> StoredAutomation?
    /// Every automation not deleted, oldest first.
    func all() async throws -> [StoredAutomation]
}

public protocol AutomationRunRecords {
    /// Stores the runs, each unless its (automation, event) already has one.
    func start(_ runs: [AutomationRun]) async throws
    func update(_ run: AutomationRun) async throws
    func find(id: String) async throws -> AutomationRun?
    /// The run, held against other writers until the transaction ends.
    func lock(id: String) async throws -> AutomationRun?
    /// Oldest first.
    func list(_ filter: AutomationRunFilter, _ page: PageRequest) async throws -> Page<AutomationRun>
    /// Unfinished runs due at `now`, soonest first; with `claiming`, held against other writers, passing over those
    /// another holds.
    func due(at now: Date, limit: Int, claiming: Bool) async throws -> [AutomationRun]
    /// Ends the automation's unfinished runs `canceled`.
    func cancel(unfinishedOf automationID: String, at now: Date) async throws
}
