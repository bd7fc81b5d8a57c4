import Foundation
import Hummingbird
import TenureCore
import TenureServices

/// `/v1/usage`, `/v1/cases`, `/v1/surveys`, `/v1/settings/support` and `/v1/metrics/support`.
struct SupportController {
    let support: SupportService
    let gate: Gate

    struct UsageRequest: Decodable {
        var records: [UsageInput]
    }

    struct CaseEventRequest: Decodable {
        var at: String?
    }

    struct SupportSettingsBody: Encodable, Sendable {
        var firstResponseHours: [String: Double]?

        init(_ targets: SupportTargets) {
            firstResponseHours = Dictionary(uniqueKeysWithValues: CasePriority.allCases.map { ($0.rawValue, targets.hours($0)) })
        }
    }

    var routes: RouteCollection<AppRequestContext> {
        let routes = RouteCollection(context: AppRequestContext.self)
        routes.post("/v1/usage", gate.write.bulk) { call in
            let records = try call.decode(UsageRequest.self).records
            let stored = try await support.recordUsage(records, by: call.actor)
            return try .json(ListBody(data: stored.map(UsageResource.init), nextCursor: nil))
        }
        routes.get("/v1/usage", gate.read) { call in
            let query = call.query
            guard let accountID = query["account_id"] else { throw Problem.badRequest("is required", field: "account_id") }
            let page = try await support.usage(
                account: accountID,
                from: try query.instant("from"),
                to: try query.instant("to"),
                page: try query.page()
            )
            return try .json(
                ListBody(try await call.visible(page) { _ in accountID }) { UsageResource(AccountUsage(accountID: accountID, record: $0)) }
            )
        }
        routes.post("/v1/cases", gate.write) { call in
            let item = try await support.openCase(try call.decode(CaseInput.self), by: call.actor)
            let targets = try await support.targets()
            return try .json(CaseResource(item, targets: targets, asOf: call.now), status: .created, location: "/v1/cases/\(item.id)")
        }
        routes.get("/v1/cases", gate.read) { call in
            let query = call.query
            let asOf = try query.asOf()
            var filter = CaseFilter(accountID: query["account_id"], externalID: query["external_id"])
            filter.owner = query["owner"]
            filter.awaitingResponse = try query.bool("awaiting_response")
            let (page, targets) = try await support.cases(
                filter,
                status: try query.enumValue("status", CaseStatus.self),
                breached: try query.bool("breached"),
                asOf: asOf,
                page: try query.page()
            )
            return try .json(ListBody(try await call.visible(page) { $0.accountID }) { CaseResource($0, targets: targets, asOf: asOf) })
        }
        routes.get("/v1/cases/{id}", gate.read) { call in
            let asOf = try call.query.asOf()
            let item = try await support.getCase(try call.parameter("id"))
            return try .json(CaseResource(item, targets: try await support.targets(), asOf: asOf))
        }
        for event in [CaseEvent.respond, .resolve, .reopen] {
            routes.post("/v1/cases/{id}/\(event.rawValue)", gate.write) { call in
                let at = call.body.isEmpty ? nil : try call.decode(CaseEventRequest.self).at
                let item = try await support.apply(event, toCase: try call.parameter("id"), at: at, by: call.actor)
                return try .json(CaseResource(item, targets: try await support.targets(), asOf: call.now))
            }
        }
        routes.post("/v1/surveys", gate.write) { call in
            let survey = try await support.recordSurvey(try call.decode(SurveyInput.self), by: call.actor)
            return try .json(SurveyResource(survey), status: .created, location: "/v1/surveys/\(survey.id)")
        }
        routes.get("/v1/surveys", gate.read) { call in
            let query = call.query
            let filter = SurveyFilter(accountID: query["account_id"], kind: try query.enumValue("kind", SurveyKind.self))
            return try .json(
                ListBody(try await call.visible(try await support.surveys(filter, page: try query.page())) { $0.accountID }, SurveyResource.init)
            )
        }
        routes.get("/v1/settings/support", gate.read) { _ in
            try .json(SupportSettingsBody(try await support.targets()))
        }
        routes.put("/v1/settings/support", gate.admin) { call in
            try .json(SupportSettingsBody(try await support.updateTargets(try call.decode(SupportTargetsInput.self), by: call.actor)))
        }
        routes.get("/v1/metrics/support", gate.read) { call in
            let query = call.query
            let window = try query.window()
            let accounts = try await call.context.visibleAccounts?.ids()
            let metrics = try await support.metrics(
                from: window.from,
                to: window.to,
                asOf: window.asOf,
                accounts: accounts,
                slice: try query.slice(),
                groupBy: try query.groupBy()
            )
            return try .json(FieldsBody(metrics) { SupportMetricsResource($0, window) })
        }
        return routes
    }
}

struct UsageResource: Encodable, Sendable {
    var accountId: String
    var date: String
    var activeUsers: Int
    var licensedSeats: Int

    init(_ usage: AccountUsage) {
        accountId = usage.accountID
        date = Timestamp.formatDate(usage.record.day)
        activeUsers = usage.record.activeUsers
        licensedSeats = usage.record.licensedSeats
    }
}

struct CaseResource: Encodable, Sendable {
    var id: String
    var object = "case"
    var accountId: String
    var subject: String
    var priority: String
    var status: String
    var openedAt: Date
    @Nullable var contactId: String?
    @Nullable var externalId: String?
    @Nullable var firstResponseAt: Date?
    var firstResponseDueAt: Date
    var breached: Bool
    @Nullable var resolvedAt: Date?
    var createdAt: Date

    /// The case as of `asOf`.
    init(_ item: SupportCase, targets: SupportTargets, asOf: Date) {
        id = item.id
        accountId = item.accountID
        subject = item.subject
        priority = item.priority.rawValue
        status = item.status(at: asOf).rawValue
        openedAt = item.openedAt
        contactId = item.contactID
        externalId = item.externalID
        firstResponseAt = item.firstResponse(asOf: asOf)
        firstResponseDueAt = item.firstResponseDue(targets)
        breached = item.breached(targets, asOf: asOf)
        resolvedAt = item.resolvedAt(asOf: asOf)
        createdAt = item.createdAt
    }
}

struct SurveyResource: Encodable, Sendable {
    var id: String
    var object = "survey"
    var accountId: String
    var kind: String
    var score: Int
    var respondedAt: Date
    @Nullable var contactId: String?
    @Nullable var comment: String?
    var createdAt: Date

    init(_ survey: Survey) {
        id = survey.id
        accountId = survey.accountID
        kind = survey.kind.rawValue
        score = survey.score
        respondedAt = survey.respondedAt
        contactId = survey.contactID
        comment = survey.comment
        createdAt = survey.createdAt
    }
}

struct SupportMetricsResource: Encodable, Sendable {
    var from: Date
    var to: Date
    var asOf: Date
    var casesOpened: Int
    var casesResolved: Int
    var resolvedSameDay: Int
    @Nullable var avgFirstResponseHours: Double?
    @Nullable var avgResolutionHours: Double?
    @Nullable var slaComplianceRate: Double?

    init(_ metrics: SupportMetrics, _ window: Window) {
        from = window.from
        to = window.to
        asOf = window.asOf
        casesOpened = metrics.casesOpened
        casesResolved = metrics.casesResolved
        resolvedSameDay = metrics.resolvedSameDay
        avgFirstResponseHours = metrics.avgFirstResponseHours
        avgResolutionHours = metrics.avgResolutionHours
        slaComplianceRate = metrics.slaComplianceRate
    }
}
