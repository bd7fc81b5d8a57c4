import Foundation

/// An account's revenue facts as stored: the two doors and its MRR movements in time order.
public struct LedgerState: Sendable, Equatable {
    public var wonAt: Date?
    public var paidAt: Date?
    public var movements: [Movement]

    public init(wonAt: Date?, paidAt: Date?, movements: [Movement]) {
        self.wonAt = wonAt
        self.paidAt = paidAt
        self.movements = movements
    }

    /// The lifecycle stage at `instant`.
    public func stage(at instant: Date) -> LifecycleStage { lifecycleStage(wonAt: wonAt, paidAt: paidAt, movements: movements, at: instant) }
}

/// What a rewrite of one account's ledger says happened (`EVENTS.md`, "Rewrites"): each movement dated up to now that is
/// new is booked, each that vanished is reversed; stage events follow the stage now, so moving only past times emits none.
public enum RevenueEvent: Sendable, Equatable {
    case mrr(Movement, booked: Bool)
    /// `at`: `customer_since` for `accountBecameCustomer`, the movement's instant for the two others.
    case stage(EventType, at: Date, previous: LifecycleStage)

    public static func between(_ before: LedgerState, _ after: LedgerState, now: Date) -> [RevenueEvent] {
        let booked = after.movements.filter { $0.at <= now && !before.movements.contains($0) }
        let reversed = before.movements.filter { $0.at <= now && !after.movements.contains($0) }
        var events = reversed.map { RevenueEvent.mrr($0, booked: false) } + booked.map { RevenueEvent.mrr($0, booked: true) }
        let (was, isNow) = (before.stage(at: now), after.stage(at: now))
        guard was != isNow else { return events }
        let everCustomer: Set<LifecycleStage> = [.customer, .churned]
        if !everCustomer.contains(was), everCustomer.contains(isNow), let wonAt = after.wonAt, let paidAt = after.paidAt {
            events.append(.stage(.accountBecameCustomer, at: max(wonAt, paidAt), previous: was))
        }
        let latest = after.movements.last { $0.at <= now }
        if was == .churned, isNow == .customer, let latest {
            events.append(.stage(.accountReactivated, at: latest.at, previous: was))
        }
        if isNow == .churned, let latest {
            events.append(.stage(.accountChurned, at: latest.at, previous: was))
        }
        return events
    }
}
