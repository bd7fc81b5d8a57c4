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

    /// What the event log says of the account as of `instant`: its movements dated up to then, and its stage then.
    public func emitted(asOf instant: Date) -> EmittedRevenue {
        EmittedRevenue(stage: stage(at: instant), movements: movements.filter { $0.at <= instant })
    }
}

/// What the event log has said of an account's revenue: each movement it booked and not reversed, and the stage its last
/// stage event left it in.
public struct EmittedRevenue: Sendable, Equatable {
    public var stage: LifecycleStage
    public var movements: [Movement]

    public init(stage: LifecycleStage, movements: [Movement]) {
        self.stage = stage
        self.movements = movements
    }
}

/// What brings the event log up to an account's ledger as of now (`EVENTS.md`, "Rewrites", "Backfill"): each movement
/// dated up to now that it has not booked is booked, each booked one that vanished is reversed (so Σ booked − Σ reversed
/// is the MRR now); the stage events follow the stage now, so moving only past times emits none. A write calls it with
/// the ledger it wrote, the clock as future movements come due: both say each fact once.
public enum RevenueEvent: Sendable, Equatable {
    case mrr(Movement, booked: Bool)
    /// `at`: `customer_since` for `accountBecameCustomer`, the movement's instant for the two others.
    case stage(EventType, at: Date, previous: LifecycleStage)

    public static func due(_ ledger: LedgerState, emitted: EmittedRevenue, now: Date) -> (events: [RevenueEvent], emitted: EmittedRevenue) {
        let current = ledger.emitted(asOf: now)
        let reversed = emitted.movements.filter { !current.movements.contains($0) }
        let booked = current.movements.filter { !emitted.movements.contains($0) }
        var events = reversed.map { RevenueEvent.mrr($0, booked: false) } + booked.map { RevenueEvent.mrr($0, booked: true) }
        let (was, isNow) = (emitted.stage, current.stage)
        if was != isNow {
            let everCustomer: Set<LifecycleStage> = [.customer, .churned]
            if !everCustomer.contains(was), everCustomer.contains(isNow), let wonAt = ledger.wonAt, let paidAt = ledger.paidAt {
                events.append(.stage(.accountBecameCustomer, at: max(wonAt, paidAt), previous: was))
            }
            let latest = current.movements.last
            if was == .churned, isNow == .customer, let latest {
                events.append(.stage(.accountReactivated, at: latest.at, previous: was))
            }
            if isNow == .churned, let latest {
                events.append(.stage(.accountChurned, at: latest.at, previous: was))
            }
        }
        return (events, current)
    }
}
