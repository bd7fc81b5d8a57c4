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
    /// Only the accounts a key restricted to this owner sees (`AccountVisibility.key`).
    public var visibleTo: String?
    /// Only the accounts of these ids (a page naming the accounts of the deals, cases or tasks it shows).
    public var ids: [String]?
    /// Only customers at `asOf` with an open high or critical risk flag: the summary's `at_risk_accounts`.
    public var atRisk = false

    public init(segment: Segment? = nil, owner: String? = nil, query: String? = nil, externalID: String? = nil) {
        self.segment = segment
        self.owner = owner
        self.query = query
        self.externalID = externalID
    }
}

public protocol AccountRecords {
    /// Every live account's id, name and domain, oldest first: what the duplicate finder keys.
    func identities() async throws -> [(id: String, name: String, domain: String?)]
    /// Every owner of a live account, with how many it owns, by owner.
    func owners() async throws -> [(owner: String, accounts: Int)]
    /// Every live account's segment, industry and owner, as slices compare them.
    func sliceValues() async throws -> [String: SliceValues]
    /// The owner of the account `id` of `resource` lives under; nil when there is no such resource.
    func owner(of resource: OwnedResource, id: String) async throws -> ResourceOwner?
    /// The ids of the accounts whose owner compares equal to `owner` (`AccountVisibility.key`).
    func ids(ownedBy owner: String) async throws -> Set<String>
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

/// A resource that lives under an account, as a path names it.
public enum OwnedResource: String, Sendable, CaseIterable {
    case account, contact, opportunity, contract, `case`, task, consent, event

    /// The resource of a route path such as `/v1/contacts/{id}/contactability`.
    public init?(path: String) {
        let segments = path.split(separator: "/")
        guard segments.count >= 3, segments[0] == "v1", segments[2] == "{id}" else { return nil }
        let found: OwnedResource? =
            switch segments[1] {
            case "accounts": .account
            case "contacts": .contact
            case "opportunities": .opportunity
            case "contracts": .contract
            case "cases": .case
            case "tasks": .task
            case "consents": .consent
            case "events": .event
            default: nil
            }
        guard let found else { return nil }
        self = found
    }
}

/// Whose a resource is: nil when no such resource exists.
public struct ResourceOwner: Sendable, Equatable {
    /// The owner of its account; nil when the account has none, or the resource has no account.
    public var owner: String?

    public init(owner: String?) { self.owner = owner }
}
