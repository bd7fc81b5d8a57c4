import Foundation

/// Recurring revenue over time: a step function of MRR in minor units.
public protocol RevenueStream: Sendable {
    /// The instants where the MRR may change (the value at an instant includes the change at it).
    var changePoints: [Date] { get }
    func mrr(at instant: Date) -> Int
    /// Why the stream stops at `instant`, where its MRR falls to 0, when it says (`INSIGHTS.md`, "Churn reasons").
    func stopReason(at instant: Date) -> ChurnReason?
}

extension RevenueStream {
    /// The MRR just before `instant`: at the latest change point before it.
    public func mrr(before instant: Date) -> Int { changePoints.filter { $0 < instant }.max().map(mrr(at:)) ?? 0 }
}

/// How often a manual contract bills its `recurring_amount`.
public enum BillingInterval: String, Codable, CaseIterable, Sendable {
    case month, quarter, year

    public var months: Int {
        switch self {
        case .month: 1
        case .quarter: 3
        case .year: 12
        }
    }
}

/// A signed contract not billed through Stripe (`METRICS.md`, Manual contract).
public struct ManualContract: RevenueStream, Equatable {
    public var startDate: Date
    public var endDate: Date?
    public var interval: BillingInterval
    public var recurringAmount: Int
    public var autoRenew: Bool
    /// Revenue stops at 00:00Z of this date.
    public var cancelEffective: Date?
    /// Why it was cancelled, when the cancellation said.
    public var cancelReason: ChurnReason?

    public init(
        startDate: Date,
        endDate: Date?,
        interval: BillingInterval,
        recurringAmount: Int,
        autoRenew: Bool,
        cancelEffective: Date?,
        cancelReason: ChurnReason? = nil
    ) {
        self.cancelReason = cancelReason
        self.startDate = startDate
        self.endDate = endDate
        self.interval = interval
        self.recurringAmount = recurringAmount
        self.autoRenew = autoRenew
        self.cancelEffective = cancelEffective
    }

    /// `recurring_amount` ÷ 1, 3 or 12, rounded half away from zero.
    public var monthlyAmount: Int { (Rational(recurringAmount) / Rational(interval.months)).roundedHalfAwayFromZero() }

    /// When revenue stops: the cancellation, else the day after `end_date` when it does not renew; nil while it runs on.
    public var stopsAt: Date? {
        let expiry = autoRenew ? nil : endDate.map { $0.addingTimeInterval(86_400) }
        guard let cancelEffective, let expiry else { return cancelEffective ?? expiry }
        return min(cancelEffective, expiry)
    }

    public var changePoints: [Date] { [startDate] + (stopsAt.map { [$0] } ?? []) }

    public func mrr(at instant: Date) -> Int { isLive(at: instant) ? monthlyAmount : 0 }

    /// The cancellation's reason when the cancellation stops it; an end that was not renewed says nothing.
    public func stopReason(at instant: Date) -> ChurnReason? { cancelEffective == instant ? cancelReason : nil }

    /// Live at `instant`: started and not stopped.
    public func isLive(at instant: Date) -> Bool { instant >= startDate && stopsAt.map { instant < $0 } ?? true }

    /// `end_date`, advanced by whole terms (the contract's length in whole months, at least 1) while before `asOf`
    /// when it renews itself.
    public func renewalDate(asOf: Date) -> Date? {
        guard var renewal = endDate else { return nil }
        guard autoRenew else { return renewal }
        let term = max(1, startDate.wholeMonths(to: renewal.addingTimeInterval(86_400)))
        var terms = 0
        while renewal < asOf {
            terms += 1
            renewal = endDate?.addingMonths(term * terms) ?? renewal
        }
        return renewal
    }

    /// A known end within 365 days of `asOf`: not renewing, or cancelled for a future date.
    public func scheduledEnd(asOf: Date) -> Date? { stopsAt.flatMap { isScheduledEnd($0, asOf: asOf) ? $0 : nil } }
}

/// A known end counts as scheduled when it is after `asOf` and within 365 days of it (`METRICS.md`, Committed MRR).
public func isScheduledEnd(_ end: Date, asOf: Date) -> Bool { end > asOf && end <= asOf.addingTimeInterval(scheduledEndHorizon) }

/// How far after `asOf` a known end counts as scheduled.
public let scheduledEndHorizon: TimeInterval = 365 * 86_400
