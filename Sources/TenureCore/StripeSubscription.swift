import Foundation

/// A recurring price of a subscription item, normalized to a month (`WEBHOOKS.md`, MRR of a Stripe subscription).
public struct StripePrice: Sendable, Equatable, Codable {
    public var unitAmount: Rational
    public var interval: String
    public var intervalCount: Int

    public init(unitAmount: Rational, interval: String, intervalCount: Int) {
        self.unitAmount = unitAmount
        self.interval = interval
        self.intervalCount = intervalCount
    }

    /// What one unit of `amount` per billing interval is per month: month ×1, year ÷12, week ×52÷12, day ×365÷12, ÷ interval_count.
    public func monthly(_ amount: Rational) -> Rational? {
        let factor: Rational
        switch interval {
        case "month": factor = Rational(1)
        case "year": factor = Rational(1, 12)
        case "week": factor = Rational(52, 12)
        case "day": factor = Rational(365, 12)
        default: return nil
        }
        guard intervalCount > 0 else { return nil }
        return amount * factor / Rational(intervalCount)
    }
}

/// A discount object and its coupon.
public struct StripeDiscount: Sendable, Equatable, Codable {
    public var id: String
    public var duration: String
    public var percentOff: Rational?
    public var amountOff: Int?
    public var end: Date?

    public init(id: String, duration: String, percentOff: Rational?, amountOff: Int?, end: Date?) {
        self.id = id
        self.duration = duration
        self.percentOff = percentOff
        self.amountOff = amountOff
        self.end = end
    }

    /// `forever` and `repeating` coupons apply until the discount's end; `once` never counts toward MRR.
    public func applies(at instant: Date) -> Bool {
        (duration == "forever" || duration == "repeating") && end.map { $0 > instant } ?? true
    }
}

public struct StripeSubscriptionItem: Sendable, Equatable, Codable {
    public var id: String
    /// Nil for a price that is not licensed per-unit (tiered, metered): it counts 0 and is listed as unpriced.
    public var price: StripePrice?
    public var quantity: Int
    public var discounts: [StripeDiscount]

    public init(id: String, price: StripePrice?, quantity: Int, discounts: [StripeDiscount]) {
        self.id = id
        self.price = price
        self.quantity = quantity
        self.discounts = discounts
    }
}

/// The subscription as one event described it, taking effect at `effectiveAt`.
public struct SubscriptionSnapshot: Sendable, Equatable, Codable {
    public var effectiveAt: Date
    /// Orders snapshots at the same instant: `created` events first, `deleted` last, else by event id.
    public var order: String
    public var status: String
    public var items: [StripeSubscriptionItem]
    public var discounts: [StripeDiscount]
    public var cancelAtPeriodEnd: Bool
    public var cancelAt: Date?
    public var currentPeriodEnd: Date?
    public var interval: String?
    public var deleted: Bool
    /// Its `cancellation_details`, read: the reason they give and the customer's comment.
    public var cancellationReason: ChurnReason?
    public var cancellationComment: String?

    public init(
        effectiveAt: Date,
        order: String,
        status: String,
        items: [StripeSubscriptionItem],
        discounts: [StripeDiscount],
        cancelAtPeriodEnd: Bool,
        cancelAt: Date?,
        currentPeriodEnd: Date?,
        deleted: Bool,
        cancellationReason: ChurnReason? = nil,
        cancellationComment: String? = nil
    ) {
        self.cancellationReason = cancellationReason
        self.cancellationComment = cancellationComment
        self.effectiveAt = effectiveAt
        self.order = order
        self.status = status
        self.items = items
        self.discounts = discounts
        self.cancelAtPeriodEnd = cancelAtPeriodEnd
        self.cancelAt = cancelAt
        self.currentPeriodEnd = currentPeriodEnd
        self.interval = items.compactMap(\.price?.interval).first
        self.deleted = deleted
    }

    /// Only `active` and `past_due` subscriptions count.
    public var counts: Bool { !deleted && (status == "active" || status == "past_due") }

    public var unpricedItems: [String] { items.filter { $0.price == nil }.map(\.id) }

    /// Item discounts apply to their item, then subscription discounts to the sum; percentages before fixed amounts;
    /// never below 0; exact until one rounding half away from zero.
    public func mrr(at instant: Date) -> Int {
        guard counts else { return 0 }
        let priced = items.compactMap { item in
            item.price.flatMap { price in
                price.monthly(price.unitAmount * Rational(item.quantity)).map {
                    Self.discounted($0, by: item.discounts, at: instant, price: price)
                }
            }
        }
        let subtotal = priced.reduce(Rational.zero, +)
        let reference = items.compactMap(\.price).first
        return Self.discounted(subtotal, by: discounts, at: instant, price: reference).roundedHalfAwayFromZero()
    }

    /// When the subscription ends unless it changes: its period's end when it cancels then, else `cancel_at`.
    public var plannedEnd: Date? { cancelAtPeriodEnd ? currentPeriodEnd : cancelAt }

    /// The instants inside this snapshot where a discount ends.
    public var discountEnds: [Date] {
        (discounts + items.flatMap(\.discounts)).compactMap(\.end).filter { $0 > effectiveAt }
    }

    private static func discounted(_ amount: Rational, by discounts: [StripeDiscount], at instant: Date, price: StripePrice?) -> Rational {
        let live = discounts.filter { $0.applies(at: instant) }
        var value = amount
        for percent in live.compactMap(\.percentOff) { value = value * (Rational(1) - percent / Rational(100)) }
        for amountOff in live.compactMap(\.amountOff) {
            value = value - (price?.monthly(Rational(amountOff)) ?? Rational(amountOff))
        }
        return max(value, .zero)
    }
}

/// A Stripe subscription through time: the state at any instant is its latest snapshot at or before it.
public struct StripeSubscriptionStream: RevenueStream, Equatable {
    public let snapshots: [SubscriptionSnapshot]
    /// `past_due_churn_days`: a past-due subscription stops counting that many days after it became past due.
    public let pastDueChurnDays: Int?

    public init(snapshots: [SubscriptionSnapshot], pastDueChurnDays: Int?) {
        func inOrder(_ a: SubscriptionSnapshot, _ b: SubscriptionSnapshot) -> Bool { (a.effectiveAt, a.order) < (b.effectiveAt, b.order) }
        // Stored snapshots usually come in order already: sorting them anyway copied every one (and so did pairing them up).
        let ordered = snapshots.indices.dropFirst().allSatisfy { !inOrder(snapshots[$0], snapshots[$0 - 1]) }
        self.snapshots = ordered ? snapshots : snapshots.sorted(by: inOrder)
        self.pastDueChurnDays = pastDueChurnDays
    }

    public func snapshot(at instant: Date) -> SubscriptionSnapshot? {
        snapshots.last { $0.effectiveAt <= instant }
    }

    public var changePoints: [Date] {
        snapshots.flatMap { [$0.effectiveAt] + $0.discountEnds } + pastDueChurnPoints
    }

    /// The planned end of the subscription live at `asOf` (not deleted), when it is scheduled (`isScheduledEnd`).
    public func scheduledEnd(asOf: Date) -> Date? {
        guard let snapshot = snapshot(at: asOf), !snapshot.deleted else { return nil }
        return snapshot.plannedEnd.flatMap { isScheduledEnd($0, asOf: asOf) ? $0 : nil }
    }

    public func mrr(at instant: Date) -> Int {
        guard let snapshot = snapshot(at: instant) else { return 0 }
        if let days = pastDueChurnDays, snapshot.status == "past_due", let since = pastDueSince(at: instant),
            instant >= since.addingTimeInterval(Double(days) * 86_400)
        {
            return 0
        }
        return snapshot.mrr(at: instant)
    }

    /// A past-due run long enough to churn is a payment failure; otherwise what the cancellation details of the
    /// subscription then say.
    public func stopReason(at instant: Date) -> ChurnReason? {
        guard let snapshot = snapshot(at: instant) else { return nil }
        if snapshot.mrr(at: instant) > 0 { return .paymentFailure }
        return snapshot.cancellationReason
    }

    /// When the past-due run that includes `instant` began.
    func pastDueSince(at instant: Date) -> Date? {
        var since: Date?
        for snapshot in snapshots where snapshot.effectiveAt <= instant {
            since = snapshot.status == "past_due" ? (since ?? snapshot.effectiveAt) : nil
        }
        return since
    }

    private var pastDueChurnPoints: [Date] {
        guard let days = pastDueChurnDays else { return [] }
        return snapshots.filter { $0.status == "past_due" }.compactMap { pastDueSince(at: $0.effectiveAt) }
            .map { $0.addingTimeInterval(Double(days) * 86_400) }
    }
}
