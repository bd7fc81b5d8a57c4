import Foundation
import TenureCore

/// The persistence seam: services see these protocols, never SQLite. A backend runs each closure in one transaction,
/// and a `write`'s effects are durable when it returns. Writes may run at the same time (SQLite's happen to be
/// serialized; PostgreSQL's are not): where a service reads and then writes on what it read, it says so with
/// `Transaction.lock`, or relies on a claim-first record (`IdempotencyRecords.claim`) or a unique key (a conflict).
public protocol Storage: Sendable {
    func read<T: Sendable>(_ body: @escaping @Sendable (any Transaction) async throws -> T) async throws -> T
    func write<T: Sendable>(_ body: @escaping @Sendable (any Transaction) async throws -> T) async throws -> T
    /// Runs `body` while no other process on the same database runs a body of the same name, waiting for one that does:
    /// a cluster singleton (the daily health evaluation) runs on one node at a time. `body` opens its own transactions.
    func exclusively<T: Sendable>(_ name: String, _ body: @Sendable () async throws -> T) async throws -> T
    /// True when the storage answers and its schema is current.
    func isReady() async -> Bool
    /// Finishes queued writes and closes; nothing may be called after.
    func close() async
}

/// The records reachable inside one transaction.
public protocol Transaction {
    var accounts: any AccountRecords { get }
    var contacts: any ContactRecords { get }
    var consents: any ConsentRecords { get }
    var privacy: any PrivacyRecords { get }
    var activities: any ActivityRecords { get }
    var apiKeys: any APIKeyRecords { get }
    var auditLog: any AuditRecords { get }
    var accessLog: any AccessLogRecords { get }
    var idempotency: any IdempotencyRecords { get }
    var opportunities: any OpportunityRecords { get }
    var settings: any SettingsRecords { get }
    var webhookEvents: any WebhookEventRecords { get }
    var contracts: any ContractRecords { get }
    var payments: any PaymentRecords { get }
    var acquisitionSpend: any AcquisitionSpendRecords { get }
    var ledger: any LedgerRecords { get }
    var usage: any UsageRecords { get }
    var cases: any CaseRecords { get }
    var surveys: any SurveyRecords { get }
    var health: any HealthRecords { get }
    var tasks: any TaskRecords { get }
    var events: any EventRecords { get }
    var webhookEndpoints: any WebhookEndpointRecords { get }
    var webhookDeliveries: any WebhookDeliveryRecords { get }
    var automations: any AutomationRecords { get }
    var automationRuns: any AutomationRunRecords { get }
    var leads: any LeadRecords { get }
    var engagement: any EngagementRecords { get }
    var segments: any SegmentRecords { get }
    var targets: any TargetRecords { get }
    /// The events this write records; the backend stores them (`EventOutbox.record`) when the write's body returns.
    var outbox: EventOutbox { get }
    /// Every account ever won (not merged away), in `seq` order.
    func wonAccounts() async throws -> WonAccounts
    /// Every account not merged away with its slice values and all its movements.
    func slicedHistories() async throws -> SlicedHistories
    /// Holds `lock` until the transaction ends: another write that takes the same lock waits for this one to commit or
    /// roll back, so a read-then-write on what the lock names cannot interleave. A backend whose writes are serialized
    /// does nothing.
    func lock(_ lock: WriteLock) async throws
    /// Runs `body` so that a throw undoes only its own changes, keeping the rest of the transaction.
    func nested<T>(_ body: () async throws -> T) async throws -> T
}

/// Failures of the storage itself, which clients should retry (503).
public struct StorageUnavailable: Error, CustomStringConvertible {
    public let reason: String
    public init(reason: String) { self.reason = reason }
    public var description: String { "storage unavailable: \(reason)" }
}

/// A stored value that does not read back: the database was changed outside Tenure.
package struct UnreadableRecord: Error, CustomStringConvertible {
    package let description: String

    package init(description: String) { self.description = description }
}

/// What a write locks before it reads what it will change.
public enum WriteLock: Hashable, Sendable {
    /// An account's derived facts: its ledger, its won, paid and converted instants.
    case account(String)
    /// The API keys, while a first (bootstrap) key is made.
    case apiKeys
    /// A one-off pass over the database, named.
    case once(String)
    /// The event log's tail, from an event's sequence to the commit: sequences are then commit order.
    case eventLog
    /// A value that must be unique (e.g. `account.domain:acme.com`), while it is looked up and claimed: a second writer
    /// waits, then finds the first one's record and answers 409 with its id rather than the bare unique violation.
    case unique(String)

    /// An account's domain, while it is looked up and claimed (by the API, an import or a CRM).
    static func accountDomain(_ domain: String) -> WriteLock { .unique("account.domain:\(domain)") }
    /// An account's external id, the same way.
    static func accountExternalID(_ externalID: String) -> WriteLock { .unique("account.external_id:\(externalID)") }
    /// A deal's external id, while it is looked up and created (or, for a CRM event, left waiting for it).
    static func opportunityExternalID(_ externalID: String) -> WriteLock { .unique("opportunity.external_id:\(externalID)") }
}
