import Foundation
import TenureCore

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
