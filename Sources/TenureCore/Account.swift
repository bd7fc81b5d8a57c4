import Foundation

/// A company we sell to. `domain` is stored normalized; a merged account stays as a tombstone (`mergedInto`).
public struct Account: Sendable, Equatable {
    public var id: String
    public var name: String
    public var domain: String?
    public var segment: Segment?
    public var industry: String?
    public var employeeCount: Int?
    public var owner: String?
    public var externalID: String?
    public var stripeCustomerID: String?
    public var mergedInto: String?
    /// Labels people and automations put on it (`add_tag`), at most 20.
    public var tags: [String] = []
    public var createdAt: Date
    public var updatedAt: Date
    /// The `occurred_at` of the latest CRM event applied to the fields; older events leave them alone.
    public var crmSyncedAt: Date?
    /// Derived with the revenue ledger: the earliest Closed Won, the earliest verified payment, max of both.
    public var wonAt: Date?
    public var paidAt: Date?
    public var convertedAt: Date?

    public init(
        id: String,
        name: String,
        domain: String? = nil,
        segment: Segment? = nil,
        industry: String? = nil,
        employeeCount: Int? = nil,
        owner: String? = nil,
        externalID: String? = nil,
        stripeCustomerID: String? = nil,
        mergedInto: String? = nil,
        createdAt: Date,
        updatedAt: Date,
        crmSyncedAt: Date? = nil
    ) {
        self.crmSyncedAt = crmSyncedAt
        self.id = id
        self.name = name
        self.domain = domain
        self.segment = segment
        self.industry = industry
        self.employeeCount = employeeCount
        self.owner = owner
        self.externalID = externalID
        self.stripeCustomerID = stripeCustomerID
        self.mergedInto = mergedInto
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }
}

/// An account's market segment.
public enum Segment: String, Codable, CaseIterable, Sendable {
    case smb
    case midMarket = "mid_market"
    case enterprise
}

/// Where an account is in its life with us, always derived (`METRICS.md`).
public enum LifecycleStage: String, Codable, CaseIterable, Sendable {
    case prospect
    case pendingPayment = "pending_payment"
    case customer, churned
}
