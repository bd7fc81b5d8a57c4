import Foundation
import TenureCore

/// A Stripe subscription's terms as one event described them (a `SubscriptionSnapshot`, JSON-encoded).
public struct StoredSnapshot: Sendable, Equatable {
    public var contractID: String
    public var eventID: String
    public var effectiveAt: Date
    public var order: String
    public var terms: [UInt8]

    public init(contractID: String, eventID: String, effectiveAt: Date, order: String, terms: [UInt8]) {
        self.contractID = contractID
        self.eventID = eventID
        self.effectiveAt = effectiveAt
        self.order = order
        self.terms = terms
    }
}

public struct ContractFilter: Sendable {
    public var accountID: String?
    public var source: ContractSource?

    public init(accountID: String? = nil, source: ContractSource? = nil) {
        self.accountID = accountID
        self.source = source
    }
}

public protocol ContractRecords {
    func insert(_ contract: Contract) async throws
    func update(_ contract: Contract) async throws
    /// Marks the contract changed at `at` and nothing else (a Stripe event that only adds a snapshot of it), leaving its
    /// indexed columns, and so its indexes, alone.
    func touch(_ id: String, at: Date) async throws
    func find(id: String) async throws -> Contract?
    func find(stripeSubscription id: String) async throws -> Contract?
    func find(manualFor opportunityID: String) async throws -> Contract?
    func list(_ filter: ContractFilter, _ page: PageRequest) async throws -> Page<Contract>
    func of(account accountID: String) async throws -> [Contract]
    /// Stores `snapshot`, whose `terms` read back as `readBack`.
    func addSnapshot(_ snapshot: StoredSnapshot, readBack: SubscriptionSnapshot) async throws
    /// The snapshots of a Stripe contract, read back, in effective order (`effective_at`, then the event's order key).
    func snapshots(of contractID: String) async throws -> [SubscriptionSnapshot]
}
