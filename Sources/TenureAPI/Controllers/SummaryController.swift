import Foundation
import Hummingbird
import TenureCore
import TenureServices

/// `GET /v1/metrics/summary` and `GET /v1/metrics/cohorts`.
struct SummaryController {
    let metrics: MetricsService
    let currency: String
    let gate: Gate

    var routes: RouteCollection<AppRequestContext> {
        let routes = RouteCollection(context: AppRequestContext.self)
        routes.get("/v1/metrics/summary", gate.read.companyWide) { call in
            let query = call.query
            let summary = try await metrics.summary(asOf: try query.asOf(), slice: try query.slice(), groupBy: try query.groupBy())
            return try .json(FieldsBody(summary) { SummaryResource($0, currency: currency) })
        }
        routes.get("/v1/metrics/cohorts", gate.read.companyWide) { call in
            let query = call.query
            let asOf = try query.asOf()
            let (from, to) = try query.months(defaultTo: CalendarMonth(containing: asOf).adding(-1))
            let basis = try query.enumValue("basis", CohortBasis.self) ?? .logo
            let cohorts = try await metrics.cohorts(
                from: from,
                to: to,
                basis: basis,
                asOf: asOf,
                slice: try query.slice(),
                groupBy: try query.groupBy()
            )
            return try .json(SeriesBody(cohorts, CohortResource.init))
        }
        routes.get("/v1/metrics/trials", gate.read.companyWide) { call in
            let query = call.query
            let window = try query.window()
            let asOf = try query.asOf()
            let trials = try await metrics.trials(
                from: window.from,
                to: window.to,
                asOf: asOf,
                slice: try query.slice(),
                groupBy: try query.groupBy()
            )
            return try .json(FieldsBody(trials) { TrialsResource($0, window: window, asOf: asOf) })
        }
        return routes
    }
}

struct SummaryResource: Encodable, Sendable {
    struct CMRR: Encodable, Sendable {
        var value: Int
        var committed: Int
        var atRisk: Int
    }

    struct Health: Encodable, Sendable {
        var green: Int
        var yellow: Int
        var red: Int
        var unscored: Int
    }

    var asOf: Date
    var currency: String
    var mrr: Int
    var arr: Int
    var customers: Int
    var payingCustomers: Int
    @Nullable var arpa: Double?
    var cmrr: CMRR
    var openPipelineValue: Int
    var weightedPipelineValue: Double
    @Nullable var winRate: Double?
    @Nullable var winRateStage3Plus: Double?
    @Nullable var avgSalesCycleDays: Double?
    @Nullable var avgFirstResponseHours: Double?
    /// The month the churn rates describe.
    var churnPeriod: String
    @Nullable var customerChurnRate: Double?
    @Nullable var netMrrChurnRate: Double?
    @Nullable var nrr12m: Double?
    var health: Health
    var atRiskAccounts: Int
    @Nullable var ltv: Double?
    @Nullable var cac: Double?
    @Nullable var ltvCacRatio: Double?

    init(_ summary: MetricsSummary, currency: String) {
        asOf = summary.asOf
        self.currency = currency
        mrr = summary.mrr
        arr = summary.arr
        customers = summary.customers
        payingCustomers = summary.payingCustomers
        arpa = summary.arpa
        cmrr = CMRR(value: summary.committedMRR.value, committed: summary.committedMRR.committed, atRisk: summary.committedMRR.atRisk)
        openPipelineValue = summary.pipeline.openPipelineValue
        weightedPipelineValue = summary.pipeline.weightedPipelineValue
        winRate = summary.pipeline.winRate
        winRateStage3Plus = summary.pipeline.winRateStage3Plus
        avgSalesCycleDays = summary.pipeline.avgSalesCycleDays
        avgFirstResponseHours = summary.avgFirstResponseHours
        churnPeriod = summary.lastFullMonth.period
        customerChurnRate = summary.lastFullMonth.customerChurnRate
        netMrrChurnRate = summary.lastFullMonth.netMRRChurnRate
        nrr12m = summary.nrr12m
        health = Health(
            green: summary.health[.green] ?? 0,
            yellow: summary.health[.yellow] ?? 0,
            red: summary.health[.red] ?? 0,
            unscored: summary.health[nil] ?? 0
        )
        atRiskAccounts = summary.atRiskAccounts
        ltv = summary.lifetimeValue.ltv
        cac = summary.lifetimeValue.cac
        ltvCacRatio = summary.lifetimeValue.ltvCACRatio
    }

    enum CodingKeys: String, CodingKey {
        case asOf, currency, mrr, arr, customers, payingCustomers, arpa, cmrr, openPipelineValue, weightedPipelineValue, winRate
        case winRateStage3Plus, avgSalesCycleDays, avgFirstResponseHours, churnPeriod, customerChurnRate, netMrrChurnRate
        case nrr12m = "nrr_12m"
        case health, atRiskAccounts, ltv, cac, ltvCacRatio
    }
}

struct CohortResource: Encodable, Sendable {
    var cohort: String
    var size: Int
    var values: [Nullable<Double>]

    init(_ cohort: Cohort) {
        self.cohort = cohort.month.description
        size = cohort.size
        values = cohort.values.map { Nullable(wrappedValue: $0) }
    }
}

struct TrialsResource: Encodable, Sendable {
    var from: Date
    var to: Date
    var asOf: Date
    var trialsStarted: Int
    var converted: Int
    var canceled: Int
    var open: Int
    @Nullable var conversionRate: Double?
    @Nullable var medianDaysToConvert: Double?

    init(_ metrics: TrialMetrics, window: Window, asOf: Date) {
        from = window.from
        to = window.to
        self.asOf = asOf
        trialsStarted = metrics.started
        converted = metrics.converted
        canceled = metrics.canceled
        open = metrics.open
        conversionRate = metrics.conversionRate
        medianDaysToConvert = metrics.medianDaysToConvert
    }
}
