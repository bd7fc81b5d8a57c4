import Foundation

/// Why a customer left (`INSIGHTS.md`, "Churn reasons, trials"): given when a contract is cancelled, or read from
/// Stripe's `cancellation_details`. `unknown` is never given: it is a churn no stopping contract explains.
public enum ChurnReason: String, Codable, CaseIterable, Sendable {
    case price
    case productFit = "product_fit"
    case competitor
    case budget
    case wentOutOfBusiness = "went_out_of_business"
    case paymentFailure = "payment_failure"
    case other
    case unknown

    /// The reasons a cancellation may give.
    public static let given = allCases.filter { $0 != .unknown }

    /// A payment that failed is the one involuntary reason; every other churn is the customer's choice.
    public var isInvoluntary: Bool { self == .paymentFailure }

    /// Stripe's `cancellation_details`: a failed or disputed payment first, else the customer's `feedback`; nil when
    /// neither says anything.
    public static func stripe(reason: String?, feedback: String?) -> ChurnReason? {
        if reason == "payment_failed" || reason == "payment_disputed" { return .paymentFailure }
        switch feedback {
        case nil: return nil
        case "too_expensive": return .price
        case "switched_service": return .competitor
        case "missing_features", "too_complex", "low_quality", "unused": return .productFit
        default: return .other
        }
    }
}

/// One churn movement with the reason it takes.
public struct ReasonedChurn: Sendable, Equatable {
    public var at: Date
    /// Positive: the MRR lost.
    public var mrr: Int
    public var reason: ChurnReason

    public init(at: Date, mrr: Int, reason: ChurnReason) {
        self.at = at
        self.mrr = mrr
        self.reason = reason
    }
}

/// Churned MRR and logos of a span, voluntary and not, by reason (`GET /v1/metrics/churn`).
public struct ChurnBreakdown: Sendable, Equatable {
    public struct Figures: Sendable, Equatable {
        public var mrr: Int
        public var logos: Int

        public init(mrr: Int = 0, logos: Int = 0) {
            self.mrr = mrr
            self.logos = logos
        }

        mutating func add(_ churn: ReasonedChurn) {
            mrr += churn.mrr
            logos += 1
        }
    }

    public var period: String
    public var start: Date
    public var end: Date
    public var partial: Bool
    public var churned = Figures()
    public var voluntary = Figures()
    public var involuntary = Figures()
    /// By MRR, then logos, descending, then reason.
    public var byReason: [ReasonFigures] = []

    public struct ReasonFigures: Sendable, Equatable {
        public var reason: ChurnReason
        public var figures: Figures
    }

    /// The churns of `[start, end)` (`end` included when `partial`) among `churns`.
    public init(period: String, start: Date, end: Date, partial: Bool, churns: [ReasonedChurn]) {
        self.period = period
        self.start = start
        self.end = end
        self.partial = partial
        var reasons: [ChurnReason: Figures] = [:]
        for churn in churns where churn.at >= start && (partial ? churn.at <= end : churn.at < end) {
            churned.add(churn)
            if churn.reason.isInvoluntary { involuntary.add(churn) } else { voluntary.add(churn) }
            reasons[churn.reason, default: Figures()].add(churn)
        }
        byReason = reasons.map { ReasonFigures(reason: $0.key, figures: $0.value) }.sorted { a, b in
            (a.figures.mrr, a.figures.logos) != (b.figures.mrr, b.figures.logos)
                ? (a.figures.mrr, a.figures.logos) > (b.figures.mrr, b.figures.logos) : a.reason.rawValue < b.reason.rawValue
        }
    }
}
