import Foundation
import TenureCore

public struct TaskFilter: Sendable {
    public var accountID: String?
    public var owner: String?
    public var status: TaskStatus?
    public var automationID: String?
    public var leadID: String?
    /// Earliest due first (then insertion order) instead of insertion order.
    public var byDueDate = false

    public init(accountID: String? = nil, owner: String? = nil, status: TaskStatus? = nil, leadID: String? = nil) {
        self.accountID = accountID
        self.leadID = leadID
        self.owner = owner
        self.status = status
    }
}

public protocol TaskRecords {
    func insert(_ task: SuccessTask) async throws
    func update(_ task: SuccessTask) async throws
    func find(id: String) async throws -> SuccessTask?
    func open(account accountID: String, playbook: RiskFlagCode) async throws -> SuccessTask?
    /// The lead's open follow-up, if any.
    func openFollowUp(lead leadID: String) async throws -> SuccessTask?
    func list(_ filter: TaskFilter, _ page: PageRequest) async throws -> Page<SuccessTask>
}
