import Foundation
import TenureCore

public struct OpportunityFilter: Sendable {
    public var accountID: String?
    public var owner: String?
    public var externalID: String?
    /// Only deals that existed at this instant.
    public var createdBefore: Date?

    public init(accountID: String? = nil, owner: String? = nil, externalID: String? = nil, createdBefore: Date? = nil) {
        self.accountID = accountID
        self.owner = owner
        self.externalID = externalID
        self.createdBefore = createdBefore
    }
}

public protocol OpportunityRecords {
    func insert(_ opportunity: Opportunity) async throws
    func update(_ opportunity: Opportunity) async throws
    func find(id: String) async throws -> Opportunity?
    func find(externalID: String) async throws -> Opportunity?
    func list(_ filter: OpportunityFilter, _ page: PageRequest) async throws -> Page<Opportunity>
    /// What the pipeline metrics need of every deal that existed at `asOf`, in the order the deals were created.
    func pipelineFacts(asOf: Date) async throws -> [PipelineFacts]
    func addChange(_ change: StageChange, to opportunityID: String) async throws
    /// The recorded stage changes of each deal.
    func changes(of ids: [String]) async throws -> [String: [StageChange]]
    /// The latest linked activity of each deal at or before `asOf`.
    func lastActivities(of ids: [String], asOf: Date) async throws -> [String: Date]
    /// The CRM contract block's `end_date` for a deal billed through Stripe.
    func setContractEndDate(_ date: Date?, of opportunityID: String) async throws
    /// The latest such date among each account's deals (none for an account without one).
    func contractEndDates(accounts accountIDs: [String]) async throws -> [String: Date]
}
