import Foundation

/// A Stripe subscription that began as a free trial (`INSIGHTS.md`, "Trials"): from its first `trialing` snapshot, it
/// converts at its account's first payment above 0 from then until the subscription ends, or is canceled once it ends
/// unpaid; until one of those, it is open (paused or unpaid for want of a payment method too).
public struct Trial: Sendable, Equatable {
    public enum Outcome: Sendable, Equatable {
        case converted, canceled, open
    }

    public var accountID: String
    public var start: Date
    public var convertedAt: Date?
    public var endedAt: Date?

    public init(accountID: String, start: Date, convertedAt: Date?, endedAt: Date?) {
        self.accountID = accountID
        self.start = start
        self.convertedAt = convertedAt
        self.endedAt = endedAt
    }

    /// The trial of a subscription with these snapshots (in time order), paid by these payments of its account; nil
    /// when it never was `trialing`.
    public init?(accountID: String, snapshots: [SubscriptionSnapshot], payments: [Payment]) {
        guard let first = snapshots.firstIndex(where: { $0.status == "trialing" }) else { return nil }
        let start = snapshots[first].effectiveAt
        let end = snapshots[first...].first { $0.deleted || Self.endingStatuses.contains($0.status) }?.effectiveAt
        let paid = payments.filter { payment in
            payment.status == .paid && payment.amount > 0 && payment.at >= start && end.map { payment.at <= $0 } ?? true
        }
        self.init(accountID: accountID, start: start, convertedAt: paid.map(\.at).min(), endedAt: end)
    }

    /// The statuses in which a subscription has ended for good.
    static let endingStatuses: Set<String> = ["canceled", "incomplete_expired"]

    /// What the trial had come to at `asOf`.
    public func outcome(asOf: Date) -> Outcome {
        if let convertedAt, convertedAt <= asOf { return .converted }
        if let endedAt, endedAt <= asOf { return .canceled }
        return .open
    }
}

/// `GET /v1/metrics/trials`: the trials started in `[from, to)` up to `asOf`, followed to `asOf`.
public struct TrialMetrics: Sendable, Equatable {
    public var started = 0
    public var converted = 0
    public var canceled = 0
    public var open = 0
    /// Days from start to conversion of the converted ones; with an even count, the mean of the middle two.
    public var medianDaysToConvert: Double?

    public var conversionRate: Double? { ratio(converted, started) }

    public init(_ trials: [Trial], from: Date, to: Date, asOf: Date) {
        var days: [Double] = []
        for trial in trials where trial.start >= from && trial.start < to && trial.start <= asOf {
            started += 1
            switch trial.outcome(asOf: asOf) {
            case .converted:
                converted += 1
                days.append((trial.convertedAt ?? trial.start).timeIntervalSince(trial.start) / 86_400)
            case .canceled: canceled += 1
            case .open: open += 1
            }
        }
        medianDaysToConvert = median(days)
    }
}
