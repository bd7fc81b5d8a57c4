import Foundation
import Hummingbird
import TenureCore
import TenureServices

/// `GET /v1/metrics/forecast` and `GET/PUT /v1/targets` (`INSIGHTS.md`, "Forecast").
struct ForecastController {
    let forecast: ForecastService
    let gate: Gate

    struct TargetResource: Encodable, Sendable {
        var period: String
        @Nullable var owner: String?
        var amount: Int

        init(_ target: ForecastTarget) {
            period = target.period.description
            owner = target.owner
            amount = target.amount
        }
    }

    var routes: RouteCollection<AppRequestContext> {
        let routes = RouteCollection(context: AppRequestContext.self)
        routes.get("/v1/metrics/forecast", gate.read.companyWide) { call in
            let query = call.query
            let asOf = try query.asOf()
            let (from, to) = try query.months(defaultTo: CalendarMonth(containing: asOf).adding(2), from: CalendarMonth(containing: asOf))
            let result = try await forecast.forecast(from: from, to: to, asOf: asOf, slice: try query.slice(), groupBy: try query.groupBy())
            return try .json(SeriesBody(result, ForecastMonthResource.init))
        }
        routes.get("/v1/targets", gate.read) { call in
            let query = call.query
            let targets = try await forecast.targets(from: try query.month("from"), to: try query.month("to"), owner: query["owner"])
            return try .json(["data": targets.map(TargetResource.init)])
        }
        routes.put("/v1/targets", gate.admin) { call in
            let targets = try await forecast.updateTargets(try call.jsonObject(), by: call.actor)
            return try .json(["data": targets.map(TargetResource.init)])
        }
        return routes
    }
}

struct ForecastMonthResource: Encodable, Sendable {
    var period: String
    var closed: Int
    var commit: Int
    var bestCase: Int
    var pipeline: Int
    var weighted: Double
    var slipped: Int
    var slippedCount: Int
    var commitForecast: Int
    var bestCaseForecast: Int
    @Nullable var target: Int?
    @Nullable var attainment: Double?
    @Nullable var coverage: Double?

    init(_ month: ForecastMonth) {
        period = month.month.description
        closed = month.closed
        commit = month.commit
        bestCase = month.bestCase
        pipeline = month.pipeline
        weighted = month.weighted
        slipped = month.slipped
        slippedCount = month.slippedCount
        commitForecast = month.commitForecast
        bestCaseForecast = month.bestCaseForecast
        target = month.target
        attainment = month.attainment
        coverage = month.coverage
    }
}
