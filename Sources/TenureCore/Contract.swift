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
    /// Why a manual contract was cancelled, and the customer's words (a Stripe subscription's are in its snapshots).
    public var cancelReason: ChurnReason?
    public var cancelFeedback: String?
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
        updatedAt: Date,
        cancelReason: ChurnReason? = nil,
        cancelFeedback: String? = nil
    ) {
        self.cancelReason = cancelReason
        self.cancelFeedback = cancelFeedback
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
            cancelEffective: cancelEffective,
            cancelReason: cancelReason
        )
    }
}

/// The terms of a manual contract, checked: what `POST /v1/contracts` and a CRM contract block both send.
public struct ContractTerms: Sendable, Equatable {
    public var startDate: Date
    public var endDate: Date?
    public var interval: BillingInterval
    public var recurringAmount: Int

    /// Checks every field at once into `validator`; nil when any is invalid.
    public static func validated(
        startDate: String?,
        endDate: String?,
        billingInterval: String?,
        recurringAmount: Int?,
        validator: inout Validator
    ) -> ContractTerms? {
        validator.required(startDate, "start_date")
        let start = calendarDate(startDate, "start_date", &validator)
        let end = calendarDate(endDate, "end_date", &validator)
        if let start, let end, end < start { validator.add("end_date", "must not be before start_date") }
        validator.required(billingInterval, "billing_interval")
        let interval = BillingInterval.parse(billingInterval, "billing_interval", &validator)
        validator.required(recurringAmount, "recurring_amount")
        if let amount = recurringAmount, amount < 0 { validator.add("recurring_amount", "must be >= 0") }
        guard let start, let interval, let recurringAmount, recurringAmount >= 0, end.map({ $0 >= start }) ?? true else { return nil }
        return ContractTerms(startDate: start, endDate: end, interval: interval, recurringAmount: recurringAmount)
    }
}

extension Contract {
    /// A new manual contract on checked terms.
    public static func manual(
        id: String,
        accountID: String,
        opportunityID: String?,
        terms: ContractTerms,
        autoRenew: Bool,
        currency: String,
        at now: Date
    ) -> Contract {
        var contract = Contract(
            id: id,
            accountID: accountID,
            opportunityID: opportunityID,
            source: .manual,
            externalID: nil,
            startDate: nil,
            endDate: nil,
            billingInterval: nil,
            recurringAmount: nil,
            currency: currency,
            autoRenew: autoRenew,
            cancelEffective: nil,
            createdAt: now,
            updatedAt: now
        )
        contract.apply(terms, autoRenew: autoRenew, at: now)
        return contract
    }

    /// Takes checked terms (a new manual contract, or new terms from a repeated CRM Closed Won).
    public mutating func apply(_ terms: ContractTerms, autoRenew: Bool, at now: Date) {
        startDate = terms.startDate
        endDate = terms.endDate
        billingInterval = terms.interval
        recurringAmount = terms.recurringAmount
        self.autoRenew = autoRenew
        updatedAt = now
    }
}

/// A calendar date `YYYY-MM-DD`, or records why `text` is not one.
public func calendarDate(_ text: String?, _ field: String, _ validator: inout Validator) -> Date? {
    guard let text else { return nil }
    guard let date = Timestamp.parseDate(text) else {
        validator.add(field, "must be a YYYY-MM-DD date")
        return nil
    }
    return date
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
