import Foundation
import TenureCore

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
    func find(id: String) async throws -> Contract?
    func find(stripeSubscription id: String) async throws -> Contract?
    func find(manualFor opportunityID: String) async throws -> Contract?
    func list(_ filter: ContractFilter, _ page: PageRequest) async throws -> Page<Contract>
    /// Each account's contracts, oldest first.
    func of(accounts accountIDs: [String]) async throws -> [String: [Contract]]
    /// Every contract (a read transaction takes them from its shared copy).
    func every() async throws -> [Contract]
    /// The Stripe subscriptions that were `trialing` at some time.
    func trials() async throws -> [Contract]
    /// Marks `contract` changed at `at` and nothing else (see the extension's default).
    func touch(_ contract: Contract, at: Date) async throws
    /// Stores what Stripe event `eventID` said of the contract's subscription; a second snapshot of one event is ignored.
    func addSnapshot(_ snapshot: SubscriptionSnapshot, of contractID: String, event eventID: String) async throws
    /// The snapshots of each Stripe contract, read back, in effective order (`effective_at`, then the event's order key).
    func snapshots(of contractIDs: [String]) async throws -> [String: [SubscriptionSnapshot]]
}

extension ContractRecords {
    /// Marks `contract` changed at `at` and nothing else (a Stripe event that only adds a snapshot of it). A backend may
    /// do it faster, leaving the indexed columns, and so their indexes, alone; by default it is an update.
    public func touch(_ contract: Contract, at: Date) async throws {
        var contract = contract
        contract.updatedAt = at
        try await update(contract)
    }
}

extension ContractRecords {
    /// The account's contracts, oldest first.
    public func of(account accountID: String) async throws -> [Contract] { try await of(accounts: [accountID])[accountID] ?? [] }

    /// The contract's snapshots, read back, in effective order.
    public func snapshots(of contractID: String) async throws -> [SubscriptionSnapshot] {
        try await snapshots(of: [contractID])[contractID] ?? []
    }
}
