import Foundation
import Hummingbird
import TenureCore
import TenureServices

/// `GET /v1/metrics/pipeline?from&to&as_of`.
struct PipelineMetricsController {
    let pipeline: PipelineService
    let gate: Gate

    var routes: RouteCollection<AppRequestContext> {
        let routes = RouteCollection(context: AppRequestContext.self)
        routes.get("/v1/metrics/pipeline", gate.read) { call in
            let query = call.query
            let window = try query.window()
            let accounts = try await call.context.visibleAccounts?.ids()
            let metrics = try await pipeline.metrics(
                from: window.from,
                to: window.to,
                asOf: window.asOf,
                accounts: accounts,
                slice: try query.slice(),
                groupBy: try query.groupBy()
            )
            return try .json(FieldsBody(metrics) { PipelineMetricsResource($0, from: window.from, to: window.to, asOf: window.asOf) })
        }
        return routes
    }
}

struct PipelineMetricsResource: Encodable, Sendable {
    var from: Date
    var to: Date
    var asOf: Date
    var openCount: Int
    var openPipelineValue: Int
    var weightedPipelineValue: Double
    var wonCount: Int
    var lostCount: Int
    @Nullable var winRate: Double?
    @Nullable var winRateStage3Plus: Double?
    @Nullable var avgDealSize: Double?
    @Nullable var avgSalesCycleDays: Double?
    @Nullable var pipelineVelocityPerDay: Double?
    var stageConversion: [Conversion]
    var avgDaysInStage: [String: Nullable<Double>]
    var lostReasons: [LostReason]
    var stalledCount: Int
    var openByStage: [OpenStage]

    struct OpenStage: Encodable, Sendable {
        var stage: String
        var count: Int
        var value: Int
        var stalledCount: Int
    }

    struct Conversion: Encodable, Sendable {
        var from: String
        var to: String
        var reached: Int
        var advanced: Int
        @Nullable var rate: Double?
    }

    struct LostReason: Encodable, Sendable {
        var reason: String
        var count: Int
    }

    init(_ metrics: PipelineMetrics, from: Date, to: Date, asOf: Date) {
        self.from = from
        self.to = to
        self.asOf = asOf
        openCount = metrics.openCount
        openPipelineValue = metrics.openPipelineValue
        weightedPipelineValue = metrics.weightedPipelineValue
        wonCount = metrics.wonCount
        lostCount = metrics.lostCount
        winRate = metrics.winRate
        winRateStage3Plus = metrics.winRateStage3Plus
        avgDealSize = metrics.avgDealSize
        avgSalesCycleDays = metrics.avgSalesCycleDays
        pipelineVelocityPerDay = metrics.pipelineVelocityPerDay
        stageConversion = metrics.stageConversion.map {
            Conversion(from: $0.from.rawValue, to: $0.to.rawValue, reached: $0.reached, advanced: $0.advanced, rate: $0.rate)
        }
        avgDaysInStage = Dictionary(
            uniqueKeysWithValues: PipelineStage.open.map { ($0.rawValue, Nullable(wrappedValue: metrics.avgDaysInStage[$0] ?? nil)) }
        )
        lostReasons = metrics.lostReasons.map { LostReason(reason: $0.reason, count: $0.count) }
        stalledCount = metrics.stalledCount
        openByStage = metrics.openByStage.map { OpenStage(stage: $0.stage.rawValue, count: $0.count, value: $0.value, stalledCount: $0.stalledCount) }
    }
}
