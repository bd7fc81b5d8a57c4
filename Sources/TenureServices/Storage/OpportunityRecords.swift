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
    func insert(_ opportunity: Opportunity) throws
    func update(_ opportunity: Opportunity) throws
    func find(id: String) throws -> Opportunity?
    func find(externalID: String) throws -> Opportunity?
    func list(_ filter: OpportunityFilter, _ page: PageRequest) throws -> Page<Opportunity>
    /// What the pipeline metrics need of every deal that existed at `asOf`, in the order the deals were created.
    func pipelineFacts(asOf: Date) throws -> [PipelineFacts]
    func addChange(_ change: StageChange, to opportunityID: String) throws
    /// The recorded stage changes of each deal.
    func changes(of ids: [String]) throws -> [String: [StageChange]]
    /// The latest linked activity of each deal at or before `asOf`.
    func lastActivities(of ids: [String], asOf: Date) throws -> [String: Date]
    /// The CRM contract block's `end_date` for a deal billed through Stripe.
    func setContractEndDate(_ date: Date?, of opportunityID: String) throws
    /// The latest such date among the account's deals.
    func contractEndDate(account accountID: String) throws -> Date?
}
