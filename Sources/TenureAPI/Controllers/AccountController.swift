import Foundation
import Hummingbird
import TenureCore
import TenureServices

/// `/v1/accounts`, `/v1/accounts/{id}`, merge and timeline; `/v1/owners`.
struct AccountController {
    let accounts: AccountService
    let gate: Gate

    struct MergeRequest: Decodable {
        var sourceId: String?
    }

    var routes: RouteCollection<AppRequestContext> {
        let routes = RouteCollection(context: AppRequestContext.self)
        routes.post("/v1/accounts", gate.write) { call in
            let view = try await accounts.create(try call.decode(AccountInput.self), by: call.actor)
            return try .json(AccountResource(view), status: .created, location: "/v1/accounts/\(view.account.id)")
        }
        routes.get("/v1/accounts", gate.read) { call in
            let query = call.query
            var filter = AccountFilter(
                segment: try query.enumValue("segment", Segment.self),
                owner: query["owner"],
                query: query["q"],
                externalID: query["external_id"]
            )
            filter.lifecycleStage = try query.enumValue("lifecycle_stage", LifecycleStage.self)
            filter.tag = query["tag"]
            filter.band = try query.band()
            filter.atRisk = try query.bool("at_risk") ?? false
            if query["ids"] != nil {
                let list = query.list("ids").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
                guard (1...100).contains(list.count) else {
                    throw Problem.badRequest("must name 1 to 100 account ids, comma-separated", field: "ids")
                }
                filter.ids = list
            }
            filter.visibleTo = call.visibleOwner
            let sort = try query["sort"].map { text in
                guard let sort = AccountSort(text) else {
                    throw Problem.badRequest("must be mrr, health or renewal, with a leading - for highest first", field: "sort")
                }
                return sort
            }
            let page = try await accounts.list(filter, sortedBy: sort, page: try query.page(), asOf: try query.asOf())
            return try .json(ListBody(page, AccountResource.init))
        }
        routes.get("/v1/customers", gate.read) { call in
            let query = call.query
            var filter = AccountFilter(segment: try query.enumValue("segment", Segment.self), owner: query["owner"])
            filter.band = try query.band()
            filter.visibleTo = call.visibleOwner
            let page = try await accounts.customers(filter, page: try query.page(), asOf: try query.asOf())
            return try .json(ListBody(page, AccountResource.init))
        }
        routes.get("/v1/accounts/{id}", gate.read) { call in
            try .json(AccountResource(try await accounts.get(try call.parameter("id"), asOf: try call.query.asOf())))
        }
        routes.patch("/v1/accounts/{id}", gate.write) { call in
            let changes = try call.decode(AccountChanges.self)
            return try .json(AccountResource(try await accounts.update(try call.parameter("id"), changes, by: call.actor)))
        }
        routes.post("/v1/accounts/{id}/merge", gate.write) { call in
            let sourceID = try call.decode(MergeRequest.self).sourceId
            return try .json(AccountResource(try await accounts.merge(sourceID, into: try call.parameter("id"), by: call.actor)))
        }
        routes.get("/v1/owners", gate.read) { _ in
            try .json(ListBody(data: try await accounts.owners().map { OwnerResource(owner: $0.owner, accounts: $0.accounts) }, nextCursor: nil))
        }
        routes.get("/v1/accounts/{id}/timeline", gate.read) { call in
            let page = try await accounts.timeline(try call.parameter("id"), page: try call.query.page())
            return try .json(ListBody(page, TimelineItemResource.init))
        }
        return routes
    }
}

struct AccountResource: Encodable, Sendable {
    var id: String
    var object = "account"
    var name: String
    @Nullable var domain: String?
    @Nullable var segment: String?
    @Nullable var industry: String?
    @Nullable var employeeCount: Int?
    @Nullable var owner: String?
    @Nullable var externalId: String?
    @Nullable var stripeCustomerId: String?
    @Nullable var mergedInto: String?
    var tags: [String]
    var lifecycleStage: String
    @Nullable var customerSince: Date?
    var mrr: Int
    var health: HealthSummary
    @Nullable var renewalDate: String?
    var openFlags: [String]
    var createdAt: Date
    var updatedAt: Date

    /// The latest stored evaluation: its score and band, or `unscored` with a null score.
    struct HealthSummary: Encodable, Sendable {
        @Nullable var score: Int?
        var band: String

        init(_ health: DailyHealth?) {
            score = health?.score
            band = health?.band?.rawValue ?? HealthBandFilter.unscored
        }
    }

    init(_ view: AccountView) {
        let account = view.account
        id = account.id
        name = account.name
        domain = account.domain
        segment = account.segment?.rawValue
        industry = account.industry
        employeeCount = account.employeeCount
        owner = account.owner
        externalId = account.externalID
        stripeCustomerId = account.stripeCustomerID
        mergedInto = account.mergedInto
        tags = account.tags
        lifecycleStage = view.lifecycleStage.rawValue
        customerSince = view.customerSince
        mrr = view.mrr
        health = HealthSummary(view.health)
        renewalDate = view.renewalDate.map(Timestamp.formatDate)
        openFlags = view.openFlags.map(\.rawValue)
        createdAt = account.createdAt
        updatedAt = account.updatedAt
    }
}

struct OwnerResource: Encodable, Sendable {
    var owner: String
    var accounts: Int
}

struct TimelineItemResource: Encodable, Sendable {
    var at: Date
    var kind: String
    var summary: String
    var ref: Reference

    struct Reference: Encodable, Sendable {
        var type: String
        var id: String
    }

    init(_ item: TimelineItem) {
        at = item.at
        kind = item.kind
        summary = item.summary
        ref = Reference(type: item.refType, id: item.refID)
    }
}
