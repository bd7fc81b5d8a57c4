import Foundation
import TenureCore

/// The persistence seam: services see these protocols, never SQLite. A backend runs each closure in one transaction;
/// `write` closures are serialized and their effects are durable when `write` returns.
public protocol Storage: Sendable {
    func read<T: Sendable>(_ body: @escaping @Sendable (any Transaction) throws -> T) async throws -> T
    func write<T: Sendable>(_ body: @escaping @Sendable (any Transaction) throws -> T) async throws -> T
    /// True when the storage answers and its schema is current.
    func isReady() async -> Bool
    /// Finishes queued writes and closes; nothing may be called after.
    func close() async
}

/// The records reachable inside one transaction.
public protocol Transaction {
    var accounts: any AccountRecords { get }
    var contacts: any ContactRecords { get }
    var activities: any ActivityRecords { get }
    var apiKeys: any APIKeyRecords { get }
    var auditLog: any AuditRecords { get }
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
    /// `derive` applied to every account ever won (not merged away), in `seq` order: made once per state of the
    /// database and `key` (which names what else `derive` depends on, such as a setting), and shared by the reads of
    /// that state.
    func fromWonAccounts<T: Sendable>(key: String, _ derive: ([WonAccountFacts]) -> T) throws -> T
    /// Runs `body` so that a throw undoes only its own changes, keeping the rest of the transaction.
    func nested<T>(_ body: () throws -> T) throws -> T
}

/// Failures of the storage itself, which clients should retry (503).
public struct StorageUnavailable: Error, CustomStringConvertible {
    public let reason: String
    public init(reason: String) { self.reason = reason }
    public var description: String { "storage unavailable: \(reason)" }
}

/// A page of a list in insertion (or stated) order, and where the next page starts.
public struct Page<Item: Sendable>: Sendable {
    public var items: [Item]
    public var next: PageCursor?
    /// Where each item stands, for a reader that stops inside the page (when the backend gives them).
    public var positions: [PageCursor]

    public init(items: [Item], next: PageCursor?, positions: [PageCursor] = []) {
        self.items = items
        self.next = next
        self.positions = positions
    }

    public func map<T>(_ transform: (Item) throws -> T) rethrows -> Page<T> {
        Page<T>(items: try items.map(transform), next: next, positions: positions)
    }

    /// Keeps the items that pass; the cursor still points after the page's last stored item, so no item is skipped.
    func filtered(_ isIncluded: (Item) -> Bool) -> Page {
        Page(items: items.filter(isIncluded), next: next)
    }
}

/// The position after the last item of a page: its sort key and its insertion sequence.
public struct PageCursor: Sendable, Equatable {
    public var key: Int64
    public var seq: Int64

    public init(key: Int64 = 0, seq: Int64) {
        self.key = key
        self.seq = seq
    }
}

/// Which page to read.
public struct PageRequest: Sendable {
    public var limit: Int
    public var after: PageCursor?

    public init(limit: Int = 50, after: PageCursor? = nil) {
        self.limit = limit
        self.after = after
    }
}

public struct AccountFilter: Sendable {
    public var segment: Segment?
    public var owner: String?
    public var query: String?
    public var externalID: String?
    public var includeMerged = false
    /// Only accounts in this lifecycle stage at `asOf`.
    public var lifecycleStage: LifecycleStage?
    /// Only accounts whose latest stored evaluation at `asOf` has this band (`unscored`: none, or no score).
    public var band: String?
    public var asOf = Date()

    public init(segment: Segment? = nil, owner: String? = nil, query: String? = nil, externalID: String? = nil) {
        self.segment = segment
        self.owner = owner
        self.query = query
        self.externalID = externalID
    }
}

public protocol AccountRecords {
    func insert(_ account: Account) throws
    func update(_ account: Account) throws
    func find(id: String) throws -> Account?
    /// The live (not merged) account with this normalized domain.
    func find(domain: String) throws -> Account?
    /// The live (not merged) account with this external id.
    func find(externalID: String) throws -> Account?
    /// The live (not merged) account linked to this Stripe customer.
    func find(stripeCustomerID: String) throws -> Account?
    func list(_ filter: AccountFilter, _ page: PageRequest) throws -> Page<Account>
    /// Moves every record of `source` onto `target` (contacts with the same email become one).
    func moveRecords(from source: String, to target: String) throws
}

public struct ContactFilter: Sendable {
    public var accountID: String?
    public var role: ContactRole?
    public var email: String?
    public var externalID: String?

    public init(accountID: String? = nil, role: ContactRole? = nil, email: String? = nil, externalID: String? = nil) {
        self.accountID = accountID
        self.role = role
        self.email = email
        self.externalID = externalID
    }
}

public protocol ContactRecords {
    func insert(_ contact: Contact) throws
    func update(_ contact: Contact) throws
    func find(id: String) throws -> Contact?
    func find(accountID: String, email: String) throws -> Contact?
    func list(_ filter: ContactFilter, _ page: PageRequest) throws -> Page<Contact>
    func of(account accountID: String) throws -> [Contact]
    /// The latest activity linked to each contact, at or before `asOf`.
    func lastContacted(_ contactIDs: [String], asOf: Date) throws -> [String: Date]
    /// The latest activity with any contact of `role` at the account, at or before `asOf`.
    func lastContact(account accountID: String, role: ContactRole, asOf: Date) throws -> Date?
}

public struct ActivityFilter: Sendable {
    public var accountID: String?
    public var contactID: String?
    public var opportunityID: String?
    public var from: Date?
    public var to: Date?

    public init(accountID: String? = nil, contactID: String? = nil, opportunityID: String? = nil, from: Date? = nil, to: Date? = nil) {
        self.accountID = accountID
        self.contactID = contactID
        self.opportunityID = opportunityID
        self.from = from
        self.to = to
    }
}

/// One entry of an account's timeline.
public struct TimelineItem: Sendable, Equatable {
    public var at: Date
    public var kind: String
    public var summary: String
    public var refType: String
    public var refID: String

    public init(at: Date, kind: String, summary: String, refType: String, refID: String) {
        self.at = at
        self.kind = kind
        self.summary = summary
        self.refType = refType
        self.refID = refID
    }
}

public protocol ActivityRecords {
    func insert(_ activities: [Activity]) throws
    func list(_ filter: ActivityFilter, _ page: PageRequest) throws -> Page<Activity>
    /// Newest first; the cursor key is the item's time in milliseconds.
    func timeline(accountID: String, _ page: PageRequest) throws -> Page<TimelineItem>
}

public protocol APIKeyRecords {
    func insert(_ key: APIKey, secretHash: String) throws
    func find(secretHash: String) throws -> APIKey?
    func list() throws -> [APIKey]
    /// Revokes the key with this id or name; false when none is active.
    func revoke(idOrName: String, at: Date) throws -> Bool
    func count() throws -> Int
}

public protocol AuditRecords {
    func append(_ entry: AuditEntry) throws
    /// Newest first.
    func list(_ page: PageRequest) throws -> Page<AuditEntry>
}

public protocol IdempotencyRecords {
    /// Claims `key` for a request; returns the earlier claim instead when there is one.
    func claim(_ key: IdempotencyKey, requestHash: String, at: Date) throws -> StoredIdempotentRequest?
    func complete(_ key: IdempotencyKey, response: StoredResponse) throws
    func release(_ key: IdempotencyKey) throws
    func purge(before: Date) throws
}

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

public protocol SettingsRecords {
    func value(_ name: String) throws -> [UInt8]?
    func setValue(_ name: String, _ value: [UInt8]) throws
}

extension SettingsRecords {
    /// The stored settings `name`, or `defaults` when none were stored.
    func decoded<T: Decodable>(_ name: String, defaults: T) throws -> T {
        guard let stored = try value(name) else { return defaults }
        return try JSONDecoder().decode(T.self, from: Data(stored))
    }

    func store<T: Encodable>(_ settings: T, as name: String) throws {
        try setValue(name, Array(try JSONEncoder().encode(settings)))
    }
}

public struct WebhookEventFilter: Sendable {
    public var source: WebhookSource?
    public var status: WebhookStatus?
    public var type: String?

    public init(source: WebhookSource? = nil, status: WebhookStatus? = nil, type: String? = nil) {
        self.source = source
        self.status = status
        self.type = type
    }
}

public protocol WebhookEventRecords {
    func insert(_ event: WebhookEvent) throws
    func update(_ event: WebhookEvent) throws
    func find(id: String) throws -> WebhookEvent?
    func find(source: WebhookSource, eventID: String) throws -> WebhookEvent?
    /// Newest first.
    func list(_ filter: WebhookEventFilter, _ page: PageRequest) throws -> Page<WebhookEvent>
    /// Pending events waiting for `key`, oldest event first.
    func pending(waitingFor key: String) throws -> [WebhookEvent]
}

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
    func insert(_ contract: Contract) throws
    func update(_ contract: Contract) throws
    /// Marks the contract changed at `at` and nothing else (a Stripe event that only adds a snapshot of it), leaving its
    /// indexed columns, and so its indexes, alone.
    func touch(_ id: String, at: Date) throws
    func find(id: String) throws -> Contract?
    func find(stripeSubscription id: String) throws -> Contract?
    func find(manualFor opportunityID: String) throws -> Contract?
    func list(_ filter: ContractFilter, _ page: PageRequest) throws -> Page<Contract>
    func of(account accountID: String) throws -> [Contract]
    /// Stores `snapshot`, whose `terms` read back as `readBack`.
    func addSnapshot(_ snapshot: StoredSnapshot, readBack: SubscriptionSnapshot) throws
    /// The snapshots of a Stripe contract, read back, in effective order (`effective_at`, then the event's order key).
    func snapshots(of contractID: String) throws -> [SubscriptionSnapshot]
}

/// A stored value that does not read back: the database was changed outside Tenure.
package struct UnreadableRecord: Error, CustomStringConvertible {
    package let description: String

    package init(description: String) { self.description = description }
}

/// A won account with its first verified payment, every movement in time order, what committed MRR reads of each
/// contract, every evaluation's band in day order, and every risk flag.
public struct WonAccountFacts: Sendable {
    public var id: String
    public var wonAt: Date
    public var paidAt: Date?
    public var movements: [Movement]
    public var contracts: [CommittedTerms]
    public var evaluations: [BandEvaluation]
    public var flags: [RiskFlag]

    public init(
        id: String,
        wonAt: Date,
        paidAt: Date?,
        movements: [Movement],
        contracts: [CommittedTerms],
        evaluations: [BandEvaluation],
        flags: [RiskFlag]
    ) {
        self.id = id
        self.wonAt = wonAt
        self.paidAt = paidAt
        self.movements = movements
        self.contracts = contracts
        self.evaluations = evaluations
        self.flags = flags
    }
}

/// The band of an evaluation, from the instant it was made.
public struct BandEvaluation: Sendable {
    public var evaluatedAt: Date
    public var band: HealthBand?

    public init(evaluatedAt: Date, band: HealthBand?) {
        self.evaluatedAt = evaluatedAt
        self.band = band
    }
}

/// What committed MRR reads of a contract: a manual contract's terms (nil while incomplete), or a Stripe subscription's
/// snapshots.
public enum CommittedTerms: Sendable {
    case manual(ManualContract?)
    case stripe([SubscriptionSnapshot])
}

public struct PaymentFilter: Sendable {
    public var accountID: String?
    public var status: PaymentStatus?

    public init(accountID: String? = nil, status: PaymentStatus? = nil) {
        self.accountID = accountID
        self.status = status
    }
}

public protocol PaymentRecords {
    func insert(_ payment: Payment) throws
    func update(_ payment: Payment) throws
    /// The Stripe payment of this status for an invoice or charge id.
    func find(stripe status: PaymentStatus, externalID: String) throws -> Payment?
    func list(_ filter: PaymentFilter, _ page: PageRequest) throws -> Page<Payment>
    func of(account accountID: String) throws -> [Payment]
    /// When the account's earliest verified payment above 0 was made (`paid_at`).
    func firstPaid(account accountID: String) throws -> Date?
}

public protocol AcquisitionSpendRecords {
    func insert(id: String, period: CalendarMonth, amount: Int, currency: String, channel: String?, at: Date) throws
    /// Spend summed per month.
    func byMonth() throws -> [CalendarMonth: Int]
}

/// The materialized MRR ledger and the lifecycle instants derived with it.
public protocol LedgerRecords {
    /// The earliest move to `closed_won` of any of the account's opportunities.
    func wonAt(account accountID: String) throws -> Date?
    func replace(account accountID: String, movements: [Movement], wonAt: Date?, paidAt: Date?, convertedAt: Date?) throws
    /// Movements in time order per account (every account when `accountIDs` is nil), those at or before `asOf`.
    func movements(of accountIDs: [String]?, asOf: Date) throws -> [String: [Movement]]
    /// Accounts converted at or before `asOf` whose latest movement at or before it is not a churn.
    func customers(asOf: Date, _ page: PageRequest) throws -> Page<String>
    func accountsWithRevenueFacts() throws -> [String]
}
