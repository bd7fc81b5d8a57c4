import Foundation

/// One MRR movement (`METRICS.md`, MRR movements).
public enum MovementKind: String, Codable, CaseIterable, Sendable {
    case new, expansion, contraction, churn, reactivation
}

public struct Movement: Sendable, Equatable {
    public var kind: MovementKind
    public var at: Date
    /// Signed: contraction and churn are negative.
    public var amount: Int
    /// The account's MRR just before and at `at`.
    public var from: Int
    public var to: Int

    public init(kind: MovementKind, at: Date, amount: Int, from: Int, to: Int) {
        self.kind = kind
        self.at = at
        self.amount = amount
        self.from = from
        self.to = to
    }
}

/// Everything that decides one account's revenue and lifecycle.
public struct AccountRevenueFacts: Sendable {
    /// The earliest move of any of its opportunities to `closed_won`.
    public var wonAt: Date?
    /// The earliest verified payment with an amount above 0.
    public var paidAt: Date?
    public var streams: [any RevenueStream]

    public init(wonAt: Date?, paidAt: Date?, streams: [any RevenueStream]) {
        self.wonAt = wonAt
        self.paidAt = paidAt
        self.streams = streams
    }

    /// max(won, paid) once both exist: revenue counts from then on. Also `customer_since`.
    public var convertedAt: Date? {
        guard let wonAt, let paidAt else { return nil }
        return max(wonAt, paidAt)
    }

    /// 0 before conversion; after it, the sum of the streams.
    public func mrr(at instant: Date) -> Int {
        guard let convertedAt, instant >= convertedAt else { return 0 }
        return streams.reduce(0) { $0 + $1.mrr(at: instant) }
    }

    /// Why the account churned at `instant`: the reason of the stream that stopped then with the most MRR (the oldest of
    /// equals: streams come oldest first), `unknown` when it gives none.
    public func churnReason(at instant: Date) -> ChurnReason {
        // Each stopping stream with the MRR it had just before, read once: the first of the largest wins.
        var largest: (stream: any RevenueStream, mrr: Int)?
        for stream in streams where stream.mrr(at: instant) == 0 {
            let before = stream.mrr(before: instant)
            if before > 0, before > largest?.mrr ?? 0 { largest = (stream, before) }
        }
        return largest?.stream.stopReason(at: instant) ?? .unknown
    }

    /// Every step of the MRR, all changes at one instant combined, classified.
    public var movements: [Movement] {
        guard let convertedAt else { return [] }
        let instants = Set(streams.flatMap(\.changePoints).filter { $0 >= convertedAt } + [convertedAt]).sorted()
        var movements: [Movement] = []
        var current = 0
        var everPositive = false
        for instant in instants {
            let next = mrr(at: instant)
            guard next != current else { continue }
            let kind: MovementKind =
                switch (current, next) {
                case (0, _): everPositive ? .reactivation : .new
                case (_, 0): .churn
                case _ where next > current: .expansion
                default: .contraction
                }
            movements.append(Movement(kind: kind, at: instant, amount: next - current, from: current, to: next))
            everPositive = everPositive || next > 0
            current = next
        }
        return movements
    }
}

/// An account's lifecycle stage at an instant (`METRICS.md`), from its facts and its movements.
public func lifecycleStage(wonAt: Date?, paidAt: Date?, movements: [Movement], at instant: Date) -> LifecycleStage {
    guard let wonAt, wonAt <= instant else { return .prospect }
    guard let paidAt, paidAt <= instant else { return .pendingPayment }
    let latest = movements.last { $0.at <= instant }
    return latest?.kind == .churn ? .churned : .customer
}

extension Array where Element == Movement {
    /// The account's MRR at `instant`, or just before it (`before: true`), from its movements in time order.
    public func mrr(at instant: Date, before: Bool = false) -> Int {
        (last { before ? $0.at < instant : $0.at <= instant })?.to ?? 0
    }
}
