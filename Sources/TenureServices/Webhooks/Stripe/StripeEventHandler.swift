import Foundation
import TenureCore
import TenureJSON

/// Applies Stripe events (`WEBHOOKS.md`, Stripe events): subscription snapshots, paid and failed invoices, refunds.
/// An event whose customer is not linked to an account is `pending` until the link appears.
public struct StripeEventHandler: WebhookEventHandler {
    static let actor = Actor(keyID: "stripe", keyName: "stripe-webhook")
    static let subscriptionTypes: Set<String> = [
        "customer.subscription.created", "customer.subscription.updated", "customer.subscription.paused", "customer.subscription.resumed",
        "customer.subscription.deleted",
    ]

    let currency: String
    let clock: Clock

    public init(currency: String, clock: Clock) {
        self.currency = currency
        self.clock = clock
    }

    /// What an event says: when it happened, its object and, for a subscription event, the snapshot it records.
    public struct Content: Sendable {
        let created: Date
        let object: JSONValue
        let subscription: SubscriptionEvent?
    }

    /// A subscription event's snapshot of its subscription.
    struct SubscriptionEvent: Sendable {
        let eventID: String
        let subscriptionID: String?
        /// The subscription's `start_date`, else the event's time.
        let startDate: Date
        let snapshot: SubscriptionSnapshot

        init(_ object: JSONValue, created: Date, event: WebhookEvent) {
            let deleted = event.type == "customer.subscription.deleted"
            eventID = event.eventID
            subscriptionID = object["id"].string
            startDate = object["start_date"].date ?? created
            let order = (event.type == "customer.subscription.created" ? "0" : deleted ? "2" : "1") + event.eventID
            let effectiveAt = deleted ? StripeSubscriptionParser.deletionTime(object, eventCreated: created) : created
            snapshot = StripeSubscriptionParser.snapshot(object, effectiveAt: effectiveAt, order: order, deleted: deleted)
        }
    }

    public func read(_ event: WebhookEvent, parsed: JSONValue?) throws -> Content {
        guard let body = parsed ?? JSONValue.parse(event.payload), let created = body["created"].date else {
            throw ValidationError("created", "is required")
        }
        let object = body["data"]["object"]
        guard object.isObject else { throw ValidationError("data.object", "is required") }
        let subscription = Self.subscriptionTypes.contains(event.type) ? SubscriptionEvent(object, created: created, event: event) : nil
        return Content(created: created, object: object, subscription: subscription)
    }

    public func apply(_ content: Content, of event: WebhookEvent, in tx: any Transaction) async throws -> WebhookApplication {
        let (object, created) = (content.object, content.created)
        if let objectCurrency = object["currency"].string, objectCurrency != currency {
            return .ignored("the currency \(objectCurrency) is not the reporting currency \(currency)")
        }
        if let subscription = content.subscription {
            return try await link(object, in: tx) { account in try await applySubscription(subscription, account: account, in: tx) }
        }
        switch event.type {
        case "invoice.paid", "invoice.payment_succeeded":
            guard let paid = object["amount_paid"].int, paid > 0 else { return .ignored("an invoice of 0 verifies no payment") }
            return try await link(object, in: tx) { account in
                try await recordPayment(.paid, amount: paid, object: object, at: created, account: account, in: tx)
            }
        case "invoice.payment_failed":
            return try await link(object, in: tx) { account in
                try await recordPayment(.failed, amount: object["amount_due"].int ?? 0, object: object, at: created, account: account, in: tx)
            }
        case "charge.refunded":
            guard object["customer"].string != nil || object["customer"]["id"].string != nil else { return .ignored("a refund with no customer") }
            return try await link(object, in: tx) { account in
                try await recordPayment(.refunded, amount: object["amount_refunded"].int ?? 0, object: object, at: created, account: account, in: tx)
            }
        default:
            return .ignored("Tenure does not handle \(event.type) events")
        }
    }

    /// Finds the account of the object's customer, or answers `pending` until one is linked.
    private func link(_ object: JSONValue, in tx: any Transaction, _ apply: (Account) async throws -> Void) async throws -> WebhookApplication {
        let customer = object["customer"].string ?? object["customer"]["id"].string
        guard let customer else { throw ValidationError("data.object.customer", "is required") }
        try await tx.lock(StripeLink.lock(customer))
        guard let account = try await StripeLink.account(of: customer, object: object, in: tx, handler: self) else {
            return WebhookApplication(
                status: .pending,
                reason: "waiting for Stripe customer \(customer) to be linked to an account",
                waitingFor: customer
            )
        }
        // The account's aggregate before its contracts and payments are found or created.
        try await tx.lock(.account(account.id))
        try await apply(account)
        return .processed
    }

    /// Upserts the subscription's contract and records this event's snapshot of it.
    private func applySubscription(_ event: SubscriptionEvent, account: Account, in tx: any Transaction) async throws {
        guard let subscriptionID = event.subscriptionID else { throw ValidationError("data.object.id", "is required") }
        let now = clock.now()
        let existing = try await tx.contracts.find(stripeSubscription: subscriptionID)
        var contract =
            existing
            ?? Contract(
                id: Identifier.make("ctr", at: now),
                accountID: account.id,
                opportunityID: nil,
                source: .stripe,
                externalID: subscriptionID,
                startDate: nil,
                endDate: nil,
                billingInterval: nil,
                recurringAmount: nil,
                currency: currency,
                autoRenew: true,
                cancelEffective: nil,
                createdAt: now,
                updatedAt: now
            )
        let previousAccount = contract.accountID
        contract.accountID = account.id
        contract.updatedAt = now
        if existing == nil {
            contract.startDate = event.startDate
            try await tx.contracts.insert(contract)
            tx.emitContract(from: nil, to: contract, now: now)
            try await tx.audit(Self.actor, "contract.create", "contract", contract.id, at: now)
        } else if previousAccount != account.id {
            try await tx.contracts.update(contract)
        } else {
            try await tx.contracts.touch(contract, at: now)
        }
        let known = existing == nil ? [] : try await tx.contracts.snapshots(of: contract.id)
        try await tx.contracts.addSnapshot(event.snapshot, of: contract.id, event: event.eventID)
        if existing != nil {
            // The contract as its GET shows it now, before and after this snapshot (the renewal date aside, which the
            // event does not compare): from the snapshots in hand rather than read again.
            let pastDueChurnDays = try await RevenueBook.settings(in: tx).pastDueChurnDays
            let view = { (snapshots: [SubscriptionSnapshot]) in
                let stream = StripeSubscriptionStream(snapshots: snapshots, pastDueChurnDays: pastDueChurnDays)
                return ContractView(contract, stream: stream, asOf: now, crmEndDate: nil)
            }
            tx.emitContract(from: view(known), to: view(known + [event.snapshot]), at: now, now: now)
        }
        if previousAccount != account.id { try await RevenueBook.refresh(previousAccount, at: now, in: tx) }
        try await RevenueBook.refresh(account.id, at: now, in: tx)
    }

    /// One payment per invoice (paid, failed) or charge (refunded); a later event's amount and time win.
    private func recordPayment(
        _ status: PaymentStatus,
        amount: Int,
        object: JSONValue,
        at: Date,
        account: Account,
        in tx: any Transaction
    ) async throws {
        guard let objectID = object["id"].string else { throw ValidationError("data.object.id", "is required") }
        let now = clock.now()
        if var existing = try await tx.payments.find(stripe: status, externalID: objectID) {
            guard status != .paid, at >= existing.at else { return }
            let before = existing
            existing.amount = amount
            existing.at = at
            existing.accountID = account.id
            try await tx.payments.update(existing)
            tx.emitPayment(from: before, to: existing, now: now)
        } else {
            let payment = Payment(
                id: Identifier.make("pay", at: now),
                accountID: account.id,
                amount: amount,
                currency: currency,
                status: status,
                at: at,
                source: .stripe,
                externalID: objectID,
                createdAt: now
            )
            try await tx.payments.insert(payment)
            tx.emitPayment(from: nil, to: payment, now: now)
            try await tx.audit(Self.actor, "payment.create", "payment", payment.id, at: now)
        }
        try await RevenueBook.refresh(account.id, at: now, in: tx)
    }
}

/// Linking a Stripe customer to an account (`WEBHOOKS.md`): the account with that `stripe_customer_id`, else
/// `metadata.tenure_account_id`, else `metadata.crm_account_id` as an external id — on the object, and on an invoice
/// also in `parent.subscription_details.metadata`. A metadata match links the customer for every event, earlier or later.
enum StripeLink {
    static func account(of customer: String, object: JSONValue, in tx: any Transaction, handler: StripeEventHandler) async throws -> Account? {
        if let linked = try await tx.accounts.find(stripeCustomerID: customer) { return linked }
        for metadata in [object["metadata"], object["parent"]["subscription_details"]["metadata"]] {
            let byID = try await metadata["tenure_account_id"].string.asyncFlatMap { try await tx.accounts.find(id: $0) }
            let byCRM = try await metadata["crm_account_id"].string.asyncFlatMap { try await tx.accounts.find(externalID: $0) }
            guard var account = byID ?? byCRM, account.mergedInto == nil else { continue }
            let before = account
            account.stripeCustomerID = customer
            account.updatedAt = handler.clock.now()
            try await tx.accounts.update(account)
            tx.emitUpdate(of: before, to: account, now: account.updatedAt)
            try await applyPendingEvents(of: customer, in: tx, handler: handler)
            return try await tx.accounts.find(id: account.id)
        }
        return nil
    }

    /// Held by an event while it looks for its customer's account and, failing that, waits `pending`, and by a link while
    /// it looks for the customer's waiting events: one of the two always sees the other's commit.
    static func lock(_ customer: String) -> WriteLock { .unique("stripe.customer:\(customer)") }

    /// Applies, oldest first, the events that were waiting for `customer` to be linked.
    static func applyPendingEvents(of customer: String?, in tx: any Transaction, handler: StripeEventHandler) async throws {
        guard let customer else { return }
        try await tx.lock(lock(customer))
        for event in try await tx.webhookEvents.pending(waitingFor: customer) {
            _ = try await WebhookService.apply(event, handler.prepare(event), in: tx)
        }
    }
}
