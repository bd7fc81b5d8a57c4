import Foundation

/// A lead of a funnel's cohort, followed to as_of: when it became an MQL, and what its conversion's deal became.
public struct FunnelLead: Sendable {
    public var lead: Lead
    /// `mql_at`, `qualified_at` or `converted_at`, the first ≤ as_of (nil: never).
    public var mqlAt: Date?
    /// Converted ≤ as_of with an opportunity.
    public var sql: Bool
    /// The opportunity's amount when it is `closed_won` at as_of.
    public var wonAmount: Int?
    /// The account's `customer_since`, when in [converted_at, as_of].
    public var customerSince: Date?

    public init(lead: Lead, mqlAt: Date?, sql: Bool, wonAmount: Int?, customerSince: Date?) {
        self.lead = lead
        self.mqlAt = mqlAt
        self.sql = sql
        self.wonAmount = wonAmount
        self.customerSince = customerSince
    }
}

/// One row of `GET /v1/metrics/funnel` (`LEADS.md`, "Marketing metrics").
public struct FunnelRow: Sendable, Equatable {
    public var value: String?
    public var leads = 0
    public var mqls = 0
    public var sqls = 0
    public var won = 0
    public var wonAmount = 0
    public var customers = 0
    public var medianDaysToCustomer: Double?
    /// Nil: no spend recorded for it (a null source, a campaign row).
    public var spend: Int?

    public var mqlRate: Double? { ratio(mqls, leads) }
    public var sqlRate: Double? { ratio(sqls, mqls) }
    public var winRate: Double? { ratio(won, sqls) }
    public var customerRate: Double? { ratio(customers, won) }
    public var leadToCustomerRate: Double? { ratio(customers, leads) }
    public var cac: Double? { spend.flatMap { ratio($0, customers) } }

    public init(value: String?) { self.value = value }

    /// The row of `leads`, with `spend`.
    public init(value: String?, leads cohort: [FunnelLead], spend: Int?) {
        self.value = value
        leads = cohort.count
        mqls = cohort.count { $0.mqlAt != nil }
        sqls = cohort.count(where: \.sql)
        let won = cohort.filter { $0.wonAmount != nil }
        self.won = won.count
        wonAmount = won.reduce(0) { $0 + ($1.wonAmount ?? 0) }
        let days = won.compactMap { item in item.customerSince.map { $0.timeIntervalSince(item.lead.createdAt) / 86_400 } }
        customers = days.count
        medianDaysToCustomer = median(days)
        self.spend = spend
    }
}

public enum FunnelGrouping: String, CaseIterable, Sendable {
    case source, campaign
}

/// The funnel of a cohort: a row per source (or campaign) ascending, null last (by source, also each channel with spend
/// only), and the total.
public func marketingFunnel(_ cohort: [FunnelLead], spendByChannel: [String?: Int], groupBy: FunnelGrouping) -> (rows: [FunnelRow], total: FunnelRow)
{
    let groups = Dictionary(grouping: cohort) { groupBy == .source ? $0.lead.source : $0.lead.campaign }
    var values = Set(groups.keys)
    if groupBy == .source { values.formUnion(spendByChannel.keys.compactMap { $0 }.map(Optional.some)) }
    let ordered = values.sorted { ($0 == nil ? 1 : 0, $0 ?? "") < ($1 == nil ? 1 : 0, $1 ?? "") }
    let rows = ordered.map { value in
        let spend = groupBy == .source ? value.map { spendByChannel[$0] ?? 0 } : nil
        return FunnelRow(value: value, leads: groups[value] ?? [], spend: spend)
    }
    return (rows, FunnelRow(value: nil, leads: cohort, spend: spendByChannel.values.reduce(0, +)))
}
