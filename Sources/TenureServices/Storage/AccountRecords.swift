import Foundation
import TenureCore

public struct AccountFilter: Sendable {
    public var segment: Segment?
    public var owner: String?
    public var query: String?
    public var externalID: String?
    /// Only accounts with this tag.
    public var tag: String?
    public var includeMerged = false
    /// Only accounts in this lifecycle stage at `asOf`.
    public var lifecycleStage: LifecycleStage?
    /// Only accounts whose latest stored evaluation at `asOf` has this band (`unscored`: none, or no score).
    public var band: String?

    public init(segment: Segment? = nil, owner: String? = nil, query: String? = nil, externalID: String? = nil) {
        self.segment = segment
        self.owner = owner
        self.query = query
        self.externalID = externalID
    }
}

public protocol AccountRecords {
    /// Throws `ServiceError.conflict` when a live account already has the domain or external id: the backend's unique
    /// key, so two writes at once cannot both pass the service's own check.
    func insert(_ account: Account) async throws
    /// Throws `ServiceError.conflict` as `insert` does.
    func update(_ account: Account) async throws
    /// The accounts of these ids that exist, merged ones included.
    func find(ids: [String]) async throws -> [String: Account]
    /// The live (not merged) account with this normalized domain.
    func find(domain: String) async throws -> Account?
    /// The live (not merged) account with this external id.
    func find(externalID: String) async throws -> Account?
    /// The live (not merged) account linked to this Stripe customer.
    func find(stripeCustomerID: String) async throws -> Account?
    /// Accounts passing `filter`, its lifecycle stage and band judged at `asOf`.
    func list(_ filter: AccountFilter, asOf: Date, _ page: PageRequest) async throws -> Page<Account>
    /// Moves every record of `source` onto `target` (contacts with the same email become one).
    func moveRecords(from source: String, to target: String) async throws
}

extension AccountRecords {
    public func find(id: String) async throws -> Account? { try await find(ids: [id])[id] }
}
