import Foundation

public enum ContractSource: String, Codable, CaseIterable, Sendable {
    case manual, stripe
}

/// Recurring revenue of an account: a signed manual contract, or a Stripe subscription (whose terms live in its snapshots).
public struct Contract: Sendable, Equatable {
    public var id: String
    public var accountID: String
    public var opportunityID: String?
    public var source: ContractSource
    /// The Stripe subscription id.
    public var externalID: String?
    public var startDate: Date?
    public var endDate: Date?
    public var billingInterval: BillingInterval?
    public var recurringAmount: Int?
    public var currency: String
    public var autoRenew: Bool
    public var cancelEffective: Date?
    public var createdAt: Date
    public var updatedAt: Date

    public init(
        id: String,
        accountID: String,
        opportunityID: String?,
        source: ContractSource,
        externalID: String?,
        startDate: Date?,
        endDate: Date?,
        billingInterval: BillingInterval?,
        recurringAmount: Int?,
        currency: String,
        autoRenew: Bool,
        cancelEffective: Date?,
        createdAt: Date,
        updatedAt: Date
    ) {
        self.id = id
        self.accountID = accountID
        self.opportunityID = opportunityID
        self.source = source
        self.externalID = externalID
        self.startDate = startDate
        self.endDate = endDate
        self.billingInterval = billingInterval
        self.recurringAmount = recurringAmount
        self.currency = currency
        self.autoRenew = autoRenew
        self.cancelEffective = cancelEffective
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }

    /// The terms of a manual contract as a revenue stream.
    public var manualTerms: ManualContract? {
        guard source == .manual, let startDate, let billingInterval, let recurringAmount else { return nil }
        return ManualContract(
            startDate: startDate,
            endDate: endDate,
            interval: billingInterval,
            recurringAmount: recurringAmount,
            autoRenew: autoRenew,
            cancelEffective: cancelEffective
        )
    }
}

public enum PaymentStatus: String, Codable, CaseIterable, Sendable {
    case paid, failed, refunded
}

/// Money received, failed or refunded.
public struct Payment: Sendable, Equatable {
    public var id: String
    public var accountID: String
    public var amount: Int
    public var currency: String
    public var status: PaymentStatus
    public var at: Date
    public var source: ContractSource
    /// Stripe: the invoice id (paid, failed) or charge id (refunded); manual: the client's reference.
    public var externalID: String?
    public var createdAt: Date

    public init(
        id: String,
        accountID: String,
        amount: Int,
        currency: String,
        status: PaymentStatus,
        at: Date,
        source: ContractSource,
        externalID: String?,
        createdAt: Date
    ) {
        self.id = id
        self.accountID = accountID
        self.amount = amount
        self.currency = currency
        self.status = status
        self.at = at
        self.source = source
        self.externalID = externalID
        self.createdAt = createdAt
    }
}
