import Foundation

/// What a cohort's retention counts (`METRICS.md`, Cohorts).
public enum CohortBasis: String, CaseIterable, Sendable {
    /// The share of the cohort's accounts still paying.
    case logo
    /// The cohort's MRR relative to its MRR at the end of its first month.
    case revenue
}

/// The accounts whose `new` movement falls in `month`, and their retention at the end of each month since.
public struct Cohort: Sendable, Equatable {
    public var month: CalendarMonth
    public var size: Int
    /// k = 0, 1, … up to the last full month; `nil` where the denominator is 0.
    public var values: [Double?]
}

extension RevenueLedger {
    /// One cohort per month from `from` to `to` that has started by `asOf`. Values run to the last month that ended
    /// by `asOf`; "at the end of a month" means just before the next month starts, as in the revenue series.
    public func cohorts(from: CalendarMonth, to: CalendarMonth, basis: CohortBasis, asOf: Date) -> [Cohort] {
        var members: [CalendarMonth: [[Movement]]] = [:]
        for account in histories {
            if let new = account.first(where: { $0.kind == .new }), new.at <= asOf {
                members[CalendarMonth(containing: new.at), default: []].append(account)
            }
        }
        let lastFull = CalendarMonth(containing: asOf).adding(-1)
        var cohorts: [Cohort] = []
        var month = from
        while month <= to, month.start <= asOf {
            let accounts = members[month] ?? []
            func mrr(atEndOf month: CalendarMonth) -> [Int] { accounts.map { $0.mrr(at: month.adding(1).start, before: true) } }
            let first = mrr(atEndOf: month).reduce(0, +)
            var values: [Double?] = []
            var end = month
            while end <= lastFull {
                let retained = mrr(atEndOf: end)
                switch basis {
                case .logo: values.append(ratio(retained.filter { $0 > 0 }.count, accounts.count))
                case .revenue: values.append(ratio(retained.reduce(0, +), first))
                }
                end = end.adding(1)
            }
            cohorts.append(Cohort(month: month, size: accounts.count, values: values))
            month = month.adding(1)
        }
        return cohorts
    }
}
