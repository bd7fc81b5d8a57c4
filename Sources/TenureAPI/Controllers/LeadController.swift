import Foundation
import Hummingbird
import TenureCore
import TenureJSON
import TenureServices

/// `/v1/leads`, `/v1/engagement`, the lead settings, `/v1/segments` and the marketing metrics (`LEADS.md`). Leads are
/// company-wide: a key restricted to an owner or an area is refused them (`PRIVACY.md`).
struct LeadController {
    let leads: LeadService
    let engagement: EngagementService
    let segments: SegmentService
    let accessLog: AccessLogService
    let gate: Gate

    var routes: RouteCollection<AppRequestContext> {
        let routes = RouteCollection(context: AppRequestContext.self)
        let read = gate.read.companyWide
        let write = gate.write.companyWide
        routes.post("/v1/leads", write) { call in
            let view = try await leads.create(try call.decode(LeadInput.self), by: call.actor)
            return try .json(LeadResource(view), status: .created, location: "/v1/leads/\(view.lead.id)")
        }
        routes.post("/v1/leads/batch", write.bulk) { call in
            let body = try call.decode(LeadBatch.self)
            guard let items = body.leads else { throw ValidationError("leads", "is required") }
            let views = try await leads.createBatch(items, by: call.actor)
            return try .json(ListBody(data: views.map(LeadResource.init), nextCursor: nil), status: .created)
        }
        routes.get("/v1/leads", read) { call in
            let query = call.query
            var request = LeadQuery()
            if let statuses = try query.enumValues("status", LeadStatus.self) {
                guard !statuses.isEmpty else { throw Problem.badRequest("must name a status", field: "status") }
                request.filter.statuses = statuses
            }
            request.filter.owner = query["owner"]
            request.filter.source = query["source"]
            request.filter.campaign = query["campaign"]
            request.filter.email = try query.email()
            request.mql = try query.bool("mql")
            request.minScore = try query.integer("min_score", -1_000_000...1_000_000)
            switch query["sort"] {
            case nil: break
            case "-score": request.sortByScore = true
            default: throw ValidationError("sort", "must be -score")
            }
            let page = try await leads.list(request, page: try query.page(), asOf: try query.asOf())
            try await accessLog.record(call.access("lead.list", "lead", count: page.items.count))
            return try .json(ListBody(page, LeadResource.init))
        }
        routes.get("/v1/leads/{id}", read) { call in
            let view = try await leads.get(try call.parameter("id"), asOf: try call.query.asOf())
            try await accessLog.record(call.access("lead.get", "lead", id: view.lead.id))
            return try .json(LeadResource(view))
        }
        routes.patch("/v1/leads/{id}", write) { call in
            try .json(LeadResource(try await leads.update(try call.parameter("id"), try call.decode(LeadChanges.self), by: call.actor)))
        }
        routes.post("/v1/leads/{id}/qualify", write) { call in
            let body = try call.body.isEmpty ? LeadAction() : call.decode(LeadAction.self)
            return try .json(LeadResource(try await leads.qualify(try call.parameter("id"), at: body.at, by: call.actor)))
        }
        routes.post("/v1/leads/{id}/disqualify", write) { call in
            let body = try call.decode(LeadAction.self)
            return try .json(LeadResource(try await leads.disqualify(try call.parameter("id"), reason: body.reason, at: body.at, by: call.actor)))
        }
        routes.post("/v1/leads/{id}/convert", write) { call in
            let body = try call.body.isEmpty ? ConversionInput() : call.decode(ConversionInput.self)
            return try .json(LeadResource(try await leads.convert(try call.parameter("id"), body, by: call.actor)))
        }
        routes.get("/v1/leads/{id}/score", read) { call in
            try .json(ScoreResource(try await leads.score(try call.parameter("id"), asOf: try call.query.asOf())))
        }
        routes.post("/v1/engagement", write.bulk) { call in
            let events = try EngagementInput.batch(try call.jsonObject())
            return try .json(["created": try await engagement.record(events, by: call.actor)], status: .created)
        }
        routes.get("/v1/engagement", read) { call in
            let query = call.query
            let filter = EngagementFilter(
                leadID: query["lead_id"],
                contactID: query["contact_id"],
                type: try query.enumValue("type", EngagementType.self)
            )
            return try .json(ListBody(try await engagement.list(filter, page: try query.page()), EngagementResource.init))
        }
        routes.get("/v1/settings/lead-scoring", read) { _ in try .json(try await leads.scoringSettings()) }
        routes.put("/v1/settings/lead-scoring", gate.admin) { call in
            try .json(try await leads.updateScoringSettings(try call.jsonObject(), by: call.actor))
        }
        routes.get("/v1/settings/lead-routing", read) { _ in try .json(try await leads.routingSettings()) }
        routes.put("/v1/settings/lead-routing", gate.admin) { call in
            try .json(try await leads.updateRoutingSettings(try call.jsonObject(), by: call.actor))
        }
        routes.post("/v1/segments", write) { call in
            let segment = try await segments.create(try call.jsonObject(), by: call.actor)
            return try .json(SegmentResource(segment), status: .created, location: "/v1/segments/\(segment.id)")
        }
        routes.get("/v1/segments", read) { call in
            try .json(ListBody(try await segments.list(page: try call.query.page()), SegmentResource.init))
        }
        routes.get("/v1/segments/{id}", read) { call in try .json(SegmentResource(try await segments.get(try call.parameter("id")))) }
        routes.patch("/v1/segments/{id}", write) { call in
            try .json(SegmentResource(try await segments.update(try call.parameter("id"), try call.jsonObject(), by: call.actor)))
        }
        routes.delete("/v1/segments/{id}", write) { call in
            let id = try call.parameter("id")
            try await segments.delete(id, by: call.actor)
            return try .json(["id": id, "deleted": "true"])
        }
        routes.get("/v1/segments/{id}/members", read) { call in
            let id = try call.parameter("id")
            let members = try await segments.members(id, asOf: try call.query.asOf(), page: try call.query.page())
            switch members {
            case .accounts(let page): return try .json(ListBody(page, AccountResource.init))
            case .contacts(let page):
                try await accessLog.record(call.access("segment.members", "contact", id: id, count: page.items.count))
                return try .json(ListBody(page, ContactResource.init))
            case .leads(let page):
                try await accessLog.record(call.access("segment.members", "lead", id: id, count: page.items.count))
                return try .json(ListBody(page, LeadResource.init))
            }
        }
        routes.get("/v1/metrics/funnel", read) { call in
            let query = call.query
            let (from, to) = try Self.cohortWindow(query)
            let groupBy = try query.enumValue("group_by", FunnelGrouping.self) ?? .source
            let (rows, total) = try await leads.funnel(from: from, to: to, asOf: try query.asOf(), groupBy: groupBy)
            return try .json(
                FunnelBody(
                    groupBy: groupBy.rawValue,
                    data: rows.map { FunnelRowResource($0, groupBy: groupBy) },
                    total: FunnelRowResource(total, groupBy: nil)
                )
            )
        }
        routes.get("/v1/metrics/lead-scoring", read) { call in
            let query = call.query
            let (from, to) = try Self.cohortWindow(query)
            return try .json(ScoringLiftResource(try await leads.scoringLift(from: from, to: to, asOf: try query.asOf())))
        }
        return routes
    }

    /// `from` and `to`, both required, `from` before `to`.
    static func cohortWindow(_ query: Query) throws -> (Date, Date) {
        guard let from = try query.instant("from") else { throw ValidationError("from", "is required") }
        guard let to = try query.instant("to") else { throw ValidationError("to", "is required") }
        guard from < to else { throw ValidationError("from", "must be before to") }
        return (from, to)
    }

}

struct LeadBatch: Decodable { var leads: [LeadInput]? }
struct LeadAction: Decodable {
    var at: String?
    var reason: String?
}

struct LeadResource: Encodable, Sendable {
    var id: String
    var object = "lead"
    var name: String
    var email: String
    @Nullable var company: String?
    @Nullable var domain: String?
    @Nullable var title: String?
    var role: String
    @Nullable var country: String?
    @Nullable var segment: String?
    @Nullable var industry: String?
    @Nullable var employeeCount: Int?
    @Nullable var source: String?
    @Nullable var campaign: String?
    var status: String
    @Nullable var owner: String?
    var score: Int
    var fitScore: Int
    var behaviorScore: Int
    var mql: Bool
    @Nullable var mqlAt: Date?
    @Nullable var qualifiedAt: Date?
    @Nullable var disqualifiedAt: Date?
    @Nullable var disqualifyReason: String?
    @Nullable var convertedAt: Date?
    @Nullable var accountId: String?
    @Nullable var contactId: String?
    @Nullable var opportunityId: String?
    var assignments: [Assignment]
    var createdAt: Date
    var updatedAt: Date

    struct Assignment: Encodable, Sendable {
        @Nullable var owner: String?
        var at: Date
        var trigger: String
        @Nullable var rule: String?
    }

    init(_ view: LeadView) {
        let lead = view.lead
        id = lead.id
        name = lead.name
        email = lead.email
        company = lead.company
        domain = lead.domain
        title = lead.title
        role = lead.role.rawValue
        country = lead.country
        segment = lead.segment?.rawValue
        industry = lead.industry
        employeeCount = lead.employeeCount
        source = lead.source
        campaign = lead.campaign
        status = lead.status.rawValue
        owner = lead.owner
        score = view.score.score
        fitScore = view.score.fitScore
        behaviorScore = view.score.behaviorScore
        mql = view.score.mql
        mqlAt = view.score.mqlAt
        qualifiedAt = lead.qualifiedAt
        disqualifiedAt = lead.disqualifiedAt
        disqualifyReason = lead.disqualifyReason
        convertedAt = lead.convertedAt
        accountId = lead.accountID
        contactId = lead.contactID
        opportunityId = lead.opportunityID
        assignments = view.assignments.map { Assignment(owner: $0.owner, at: $0.at, trigger: $0.trigger.rawValue, rule: $0.rule) }
        createdAt = lead.createdAt
        updatedAt = lead.updatedAt
    }
}

struct ScoreResource: Encodable, Sendable {
    var score: Int
    var fitScore: Int
    var behaviorScore: Int
    var mql: Bool
    @Nullable var mqlAt: Date?
    var fired: [Fired]

    struct Fired: Encodable, Sendable {
        var key: String
        var kind: String
        var points: Int
        @Nullable var count: Int?
    }

    init(_ score: LeadScore) {
        self.score = score.score
        fitScore = score.fitScore
        behaviorScore = score.behaviorScore
        mql = score.mql
        mqlAt = score.mqlAt
        fired = score.fired.map { Fired(key: $0.key, kind: $0.kind.rawValue, points: $0.points, count: $0.count) }
    }
}

struct EngagementResource: Encodable, Sendable {
    var id: String
    var object = "engagement_event"
    var type: String
    var occurredAt: Date
    @Nullable var leadId: String?
    @Nullable var contactId: String?
    @Nullable var url: String?
    @Nullable var asset: String?
    var createdAt: Date

    init(_ event: EngagementEvent) {
        id = event.id
        type = event.type.rawValue
        occurredAt = event.occurredAt
        leadId = event.leadID
        contactId = event.contactID
        url = event.url
        asset = event.asset
        createdAt = event.createdAt
    }
}

struct SegmentResource: Encodable, Sendable {
    var id: String
    var object = "segment"
    var name: String
    var resource: String
    var filter: RawJSON
    var createdAt: Date
    var updatedAt: Date

    init(_ segment: SavedSegment) {
        id = segment.id
        name = segment.name
        resource = segment.resource.rawValue
        filter = RawJSON(segment.filter)
        createdAt = segment.createdAt
        updatedAt = segment.updatedAt
    }
}

struct FunnelBody: Encodable, Sendable {
    var groupBy: String
    var data: [FunnelRowResource]
    var total: FunnelRowResource
}

struct FunnelRowResource: Encodable, Sendable {
    /// The row's source or campaign (absent from the total).
    var value: String??
    var groupBy: String?
    var leads: Int
    var mqls: Int
    var sqls: Int
    var won: Int
    var wonAmount: Int
    var customers: Int
    @Nullable var mqlRate: Double?
    @Nullable var sqlRate: Double?
    @Nullable var winRate: Double?
    @Nullable var customerRate: Double?
    @Nullable var leadToCustomerRate: Double?
    @Nullable var medianDaysToCustomer: Double?
    @Nullable var spend: Int?
    @Nullable var cac: Double?

    init(_ row: FunnelRow, groupBy: FunnelGrouping?) {
        value = groupBy.map { _ in row.value }
        self.groupBy = groupBy?.rawValue
        leads = row.leads
        mqls = row.mqls
        sqls = row.sqls
        won = row.won
        wonAmount = row.wonAmount
        customers = row.customers
        mqlRate = row.mqlRate
        sqlRate = row.sqlRate
        winRate = row.winRate
        customerRate = row.customerRate
        leadToCustomerRate = row.leadToCustomerRate
        medianDaysToCustomer = row.medianDaysToCustomer
        spend = row.spend
        cac = row.cac
    }

    /// The row's value under the grouping's name (`source` or `campaign`), then the figures; nulls shown.
    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: DynamicKey.self)
        if let groupBy, let value { try container.encode(value, forKey: DynamicKey(groupBy)) }
        let counts: [(String, Int)] = [
            ("leads", leads), ("mqls", mqls), ("sqls", sqls), ("won", won), ("won_amount", wonAmount), ("customers", customers),
        ]
        for (key, count) in counts { try container.encode(count, forKey: DynamicKey(key)) }
        let rates: [(String, Nullable<Double>)] = [
            ("mql_rate", _mqlRate), ("sql_rate", _sqlRate), ("win_rate", _winRate), ("customer_rate", _customerRate),
            ("lead_to_customer_rate", _leadToCustomerRate), ("median_days_to_customer", _medianDaysToCustomer),
        ]
        for (key, rate) in rates { try container.encode(rate, forKey: DynamicKey(key)) }
        try container.encode(_spend, forKey: DynamicKey("spend"))
        try container.encode(_cac, forKey: DynamicKey("cac"))
    }

    struct DynamicKey: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(_ name: String) { stringValue = name }
        init?(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }
}

struct ScoringLiftResource: Encodable, Sendable {
    var leads: Int
    var won: Int
    @Nullable var winRate: Double?
    var data: [Rule]

    struct Rule: Encodable, Sendable {
        var key: String
        var kind: String
        var points: Int
        var firedLeads: Int
        var firedWon: Int
        @Nullable var firedWinRate: Double?
        var otherLeads: Int
        var otherWon: Int
        @Nullable var otherWinRate: Double?
        @Nullable var lift: Double?
    }

    init(_ lift: ScoringLift) {
        leads = lift.leads
        won = lift.won
        winRate = lift.winRate
        data = lift.rules.map {
            Rule(
                key: $0.key,
                kind: $0.kind.rawValue,
                points: $0.points,
                firedLeads: $0.firedLeads,
                firedWon: $0.firedWon,
                firedWinRate: $0.firedWinRate,
                otherLeads: $0.otherLeads,
                otherWon: $0.otherWon,
                otherWinRate: $0.otherWinRate,
                lift: $0.lift
            )
        }
    }
}
