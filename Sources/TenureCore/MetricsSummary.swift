import Foundation

/// `GET /v1/metrics/summary` (`METRICS.md`, Summary): the dashboard's headline numbers at `asOf`, each one taken from
/// the metric it summarizes so the two can never disagree.
public struct MetricsSummary: Sendable, Equatable {
    /// Customers counted by the band of their latest stored evaluation; `nil` counts the unscored.
    public typealias BandCounts = [HealthBand?: Int]

    /// Win rates and the sales cycle look at the 90 days before `asOf`.
    public static let pipelineDays = 90
    /// First response looks at the 30 days before `asOf`.
    public static let supportDays = 30
    /// NRR compares the paying accounts of 365 days before `asOf` with themselves at `asOf`.
    public static let retentionDays = 365

    public var asOf: Date
    public var mrr: Int
    public var payingCustomers: Int
    public var arpa: Double?
    public var customers: Int
    public var committedMRR: CommittedMRR
    public var pipeline: PipelineMetrics
    public var avgFirstResponseHours: Double?
    /// The revenue row of the last month that ended by `asOf`.
    public var lastFullMonth: RevenuePeriod
    public var nrr12m: Double?
    public var health: BandCounts
    public var atRiskAccounts: Int
    public var lifetimeValue: LifetimeValue

    public var arr: Int { 12 * mrr }

    public static func window(days: Int, before asOf: Date) -> (from: Date, to: Date) {
        (asOf.addingTimeInterval(-Double(days) * 86_400), asOf)
    }

    /// The figures read from the MRR ledger alone.
    public struct LedgerFigures: Sendable {
        var mrr: Int
        var payingCustomers: Int
        var arpa: Double?
        var lastFullMonth: RevenuePeriod
        var nrr12m: Double?

        public init(_ ledger: RevenueLedger, asOf: Date) {
            mrr = ledger.mrr(at: asOf)
            payingCustomers = ledger.payingAccounts(at: asOf)
            arpa = ledger.arpa(at: asOf)
            let month = CalendarMonth(containing: asOf).adding(-1)
            lastFullMonth = ledger.period(month.description, start: month.start, end: month.adding(1).start, partial: false)
            let retention = MetricsSummary.window(days: MetricsSummary.retentionDays, before: asOf)
            nrr12m = ledger.period("nrr_12m", start: retention.from, end: retention.to, partial: true).nrr
        }
    }

    public init(
        asOf: Date,
        ledger: LedgerFigures,
        committedMRR: CommittedMRR,
        pipeline: PipelineMetrics,
        avgFirstResponseHours: Double?,
        health: BandCounts,
        atRiskAccounts: Int,
        lifetimeValue: LifetimeValue
    ) {
        self.asOf = asOf
        mrr = ledger.mrr
        payingCustomers = ledger.payingCustomers
        arpa = ledger.arpa
        customers = health.values.reduce(0, +)
        self.committedMRR = committedMRR
        self.pipeline = pipeline
        self.avgFirstResponseHours = avgFirstResponseHours
        lastFullMonth = ledger.lastFullMonth
        nrr12m = ledger.nrr12m
        self.health = health
        self.atRiskAccounts = atRiskAccounts
        self.lifetimeValue = lifetimeValue
    }
}
