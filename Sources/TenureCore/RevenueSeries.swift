import Foundation

/// The period length of a revenue series.
public enum RevenueInterval: String, Codable, CaseIterable, Sendable {
    case month, quarter, year

    var months: Int {
        switch self {
        case .month: 1
        case .quarter: 3
        case .year: 12
        }
    }

    /// The first month of the period containing `month`.
    func periodStart(of month: CalendarMonth) -> CalendarMonth {
        CalendarMonth(year: month.year, month: month.month - (month.month - 1) % months)
    }

    func label(_ start: CalendarMonth) -> String {
        switch self {
        case .month: start.description
        case .quarter: "\(start.year)-Q\(start.quarter)"
        case .year: "\(start.year)"
        }
    }
}

/// One row of `GET /v1/metrics/revenue` (`METRICS.md`, Revenue series).
public struct RevenuePeriod: Sendable, Equatable {
    public var period: String
    public var start: Date
    public var end: Date
    public var partial: Bool
    public var mrrStart = 0
    public var mrrEnd = 0
    public var new = 0
    public var expansion = 0
    public var reactivation = 0
    public var contraction = 0
    public var churn = 0
    public var customersStart = 0
    public var customersEnd = 0
    public var newCustomers = 0
    public var reactivatedCustomers = 0
    public var churnedCustomers = 0
    public var nrr: Double?
    public var grr: Double?

    public var netNewMRR: Int { new + expansion + reactivation + contraction + churn }
    public var customerChurnRate: Double? { ratio(churnedCustomers, customersStart) }
    public var grossMRRChurnRate: Double? { ratio(-(churn + contraction), mrrStart) }
    public var netMRRChurnRate: Double? { ratio(-(churn + contraction + expansion + reactivation), mrrStart) }
    public var quickRatio: Double? { ratio(new + expansion + reactivation, -(churn + contraction)) }
    public var arpaEnd: Double? { ratio(mrrEnd, customersEnd) }
}

/// Company revenue from every account's movements.
public struct RevenueLedger: Sendable {
    /// Each account's movements, in time order: the metrics add up over every account.
    let histories: [[Movement]]

    public init(movements: [String: [Movement]]) { histories = Array(movements.values) }

    public init(histories: [[Movement]]) { self.histories = histories }

    /// Company MRR at `instant` (or just before it).
    public func mrr(at instant: Date, before: Bool = false) -> Int {
        histories.reduce(0) { $0 + $1.mrr(at: instant, before: before) }
    }

    /// Accounts with MRR > 0 at `instant` (or just before it).
    public func payingAccounts(at instant: Date, before: Bool = false) -> Int {
        histories.count { $0.mrr(at: instant, before: before) > 0 }
    }

    /// ARPA: MRR per paying account at `instant`.
    public func arpa(at instant: Date) -> Double? { ratio(mrr(at: instant), payingAccounts(at: instant)) }

    /// One row per period from the one containing `from` to the one containing `to`; a period still open at `asOf`
    /// ends at `asOf` (inclusive of facts at it) and is partial; later periods are left out.
    public func series(from: CalendarMonth, to: CalendarMonth, interval: RevenueInterval, asOf: Date) -> [RevenuePeriod] {
        periods(Self.windows(from: from, to: to, interval: interval, asOf: asOf))
    }

    /// The empty rows of `series`, each naming its period: what every series by period (revenue, churn) reports on.
    public static func windows(from: CalendarMonth, to: CalendarMonth, interval: RevenueInterval, asOf: Date) -> [RevenuePeriod] {
        var windows: [RevenuePeriod] = []
        var start = interval.periodStart(of: from)
        while start <= to, start.start <= asOf {
            let next = start.adding(interval.months)
            let partial = next.start > asOf
            windows.append(RevenuePeriod(period: interval.label(start), start: start.start, end: partial ? asOf : next.start, partial: partial))
            start = next
        }
        return windows
    }

    /// The row of `[start, end)`; with `partial`, `end` is included.
    public func period(_ label: String, start: Date, end: Date, partial: Bool) -> RevenuePeriod {
        periods([RevenuePeriod(period: label, start: start, end: end, partial: partial)])[0]
    }

    /// The rows of `windows` (each an empty row naming its period). Each account is read once for all of them: its
    /// movements stay in cache while every period takes its part.
    public func periods(_ windows: [RevenuePeriod]) -> [RevenuePeriod] {
        var rows = windows
        var retention = [Retention](repeating: Retention(), count: rows.count)
        for account in histories {
            for index in rows.indices { Self.add(account, to: &rows[index], &retention[index]) }
        }
        for index in rows.indices {
            rows[index].nrr = ratio(retention[index].endOfStartAccounts, retention[index].start)
            rows[index].grr = ratio(retention[index].retained, retention[index].start)
        }
        return rows
    }

    /// The MRR of the accounts paying at a period's start: then, at its end, and kept (at most the start's).
    private struct Retention {
        var start = 0
        var endOfStartAccounts = 0
        var retained = 0
    }

    private static func add(_ account: [Movement], to row: inout RevenuePeriod, _ retention: inout Retention) {
        let before = account.mrr(at: row.start, before: true)
        let after = account.mrr(at: row.end, before: !row.partial)
        row.mrrStart += before
        row.mrrEnd += after
        if before > 0 { row.customersStart += 1 }
        if after > 0 { row.customersEnd += 1 }
        var churned = false
        for movement in account where movement.at >= row.start && (row.partial ? movement.at <= row.end : movement.at < row.end) {
            switch movement.kind {
            case .new:
                row.new += movement.amount
                row.newCustomers += 1
            case .expansion: row.expansion += movement.amount
            case .reactivation:
                row.reactivation += movement.amount
                row.reactivatedCustomers += 1
            case .contraction: row.contraction += movement.amount
            case .churn:
                row.churn += movement.amount
                churned = true
            }
        }
        if before > 0 {
            retention.start += before
            retention.endOfStartAccounts += after
            retention.retained += min(after, before)
            if churned { row.churnedCustomers += 1 }
        }
    }
}
