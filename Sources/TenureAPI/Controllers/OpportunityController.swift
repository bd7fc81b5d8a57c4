import Foundation
import Hummingbird
import TenureCore
import TenureServices

/// `/v1/opportunities`, `/v1/opportunities/{id}` and `/v1/opportunities/{id}/stage`.
struct OpportunityController {
    let pipeline: PipelineService
    let gate: Gate

    struct StageRequest: Decodable {
        var stage: String?
        var at: String?
        var lostReason: String?
    }

    var routes: RouteCollection<AppRequestContext> {
        let routes = RouteCollection(context: AppRequestContext.self)
        routes.post("/v1/opportunities", gate.write) { call in
            let view = try await pipeline.create(try call.decode(OpportunityInput.self), by: call.actor)
            return try .json(OpportunityResource(view, withHistory: true), status: .created, location: "/v1/opportunities/\(view.opportunity.id)")
        }
        routes.get("/v1/opportunities", gate.read) { call in
            let query = call.query
            var filters = OpportunityQuery()
            filters.filter = OpportunityFilter(accountID: query["account_id"], owner: query["owner"], externalID: query["external_id"])
            filters.stage = try query.enumValue("stage", PipelineStage.self)
            filters.open = try query.bool("open")
            filters.stalled = try query.bool("stalled")
            let page = try await pipeline.list(filters, page: try query.page(), asOf: try query.asOf())
            return try .json(ListBody(try await call.visible(page) { $0.opportunity.accountID }) { OpportunityResource($0, withHistory: false) })
        }
        routes.get("/v1/opportunities/{id}", gate.read) { call in
            try .json(OpportunityResource(try await pipeline.get(try call.parameter("id"), asOf: try call.query.asOf()), withHistory: true))
        }
        routes.patch("/v1/opportunities/{id}", gate.write) { call in
            let changes = try call.decode(OpportunityChanges.self)
            return try .json(OpportunityResource(try await pipeline.update(try call.parameter("id"), changes, by: call.actor), withHistory: true))
        }
        routes.post("/v1/opportunities/{id}/stage", gate.write) { call in
            let input = try call.decode(StageRequest.self)
            let view = try await pipeline.moveStage(
                try call.parameter("id"),
                to: input.stage,
                at: input.at,
                lostReason: input.lostReason,
                by: call.actor
            )
            return try .json(OpportunityResource(view, withHistory: true))
        }
        return routes
    }
}

struct OpportunityResource: Encodable, Sendable {
    var id: String
    var object = "opportunity"
    var accountId: String
    var name: String
    var amount: Int
    var currency: String
    var stage: String
    var probability: Double
    var forecastCategory: String
    @Nullable var forecastCategoryOverride: String?
    @Nullable var closeDate: String?
    @Nullable var owner: String?
    var type: String
    @Nullable var externalId: String?
    @Nullable var lostReason: String?
    var daysInStage: Double
    var stalled: Bool
    @Nullable var lastActivityAt: Date?
    var createdAt: Date
    var updatedAt: Date
    var stageHistory: [Transition]?

    struct Transition: Encodable, Sendable {
        @Nullable var from: String?
        var to: String
        var at: Date
    }

    init(_ view: OpportunityView, withHistory: Bool) {
        let opportunity = view.opportunity
        id = opportunity.id
        accountId = opportunity.accountID
        name = opportunity.name
        amount = opportunity.amount
        currency = opportunity.currency
        stage = view.state.stage.rawValue
        probability = view.state.probability
        forecastCategory = view.forecastCategory.rawValue
        forecastCategoryOverride = opportunity.forecastOverride?.rawValue
        closeDate = opportunity.closeDate
        owner = opportunity.owner
        type = opportunity.type.rawValue
        externalId = opportunity.externalID
        lostReason = view.state.stage == .closedLost ? view.history.current?.lostReason : nil
        daysInStage = view.state.daysInStage
        stalled = view.state.stalled
        lastActivityAt = view.state.lastActivityAt
        createdAt = opportunity.createdAt
        updatedAt = opportunity.updatedAt
        stageHistory = withHistory ? view.history.transitions.map { Transition(from: $0.from?.rawValue, to: $0.to.rawValue, at: $0.at) } : nil
    }
}
