import Foundation
import Hummingbird
import TenureCore
import TenureServices

/// Health scores and their history, `GET /v1/health`, risks, evaluation and `/v1/settings/health`.
struct HealthController {
    let health: HealthService
    let gate: Gate

    struct HealthSettingsBody: Encodable, Sendable {
        var weights: [String: Double]?
        var bands: Bands?
        var renewalWindowDays: Int?
        var execSilenceDays: Int?
        var userSilenceDays: Int?
        var championAdoption: Double?
        var adoptionDrop: Double?
        var expansionSeatRatio: Double
        var promoterDays: Int
        var usageGrowthRatio: Double

        struct Bands: Encodable, Sendable {
            var green: Double?
            var yellow: Double?
        }

        init(_ settings: HealthSettings) {
            weights = Dictionary(uniqueKeysWithValues: HealthComponent.allCases.map { ($0.rawValue, settings.weights[$0] ?? 0) })
            bands = Bands(green: settings.green, yellow: settings.yellow)
            renewalWindowDays = settings.renewalWindowDays
            execSilenceDays = settings.execSilenceDays
            userSilenceDays = settings.userSilenceDays
            championAdoption = settings.championAdoption
            adoptionDrop = settings.adoptionDrop
            expansionSeatRatio = settings.growth.expansionSeatRatio
            promoterDays = settings.growth.promoterDays
            usageGrowthRatio = settings.growth.usageGrowthRatio
        }
    }

    /// The flags open at `as_of`, of `kind` (nil: both).
    private func flags(_ call: Call, kind: FlagKind?) async throws -> Reply {
        let query = call.query
        let code = try query.enumValue("code", RiskFlagCode.self)
        let filter = RiskFilter(
            accountID: query["account_id"],
            code: code,
            severity: try query.enumValue("severity", RiskSeverity.self),
            asOf: try query.asOf(),
            kind: kind
        )
        return try .json(
            ListBody(try await call.visible(try await health.risks(filter, page: try query.page())) { $0.account.id }, RiskResource.init)
        )
    }

    var routes: RouteCollection<AppRequestContext> {
        let routes = RouteCollection(context: AppRequestContext.self)
        routes.get("/v1/accounts/{id}/health", gate.read) { call in
            let settings = try await health.settings()
            return try .json(AccountHealthResource(try await health.accountHealth(try call.parameter("id"), asOf: try call.query.asOf()), settings))
        }
        routes.get("/v1/accounts/{id}/health/history", gate.read) { call in
            let window = try call.query.window()
            let rows = try await health.history(try call.parameter("id"), from: window.from, to: window.to)
            return try .json(["data": rows.map(DailyHealthResource.init)])
        }
        routes.get("/v1/health", gate.read) { call in
            let query = call.query
            let sort = query["sort"]
            guard sort == nil || sort == "score" || sort == "-score" else { throw Problem.badRequest("must be score or -score", field: "sort") }
            let filter = HealthListFilter(
                band: try query.band(),
                segment: try query.enumValue("segment", Segment.self),
                owner: query["owner"],
                sortByScore: sort.map { $0 == "-score" },
                asOf: try query.asOf()
            )
            let page = try await call.visible(try await health.list(filter, page: try query.page())) { $0.account.id }
            return try .json(ListBody(page, HealthListItemResource.init))
        }
        routes.post("/v1/health/evaluate", gate.admin) { call in
            try .json(EvaluationRunResource(try await health.evaluate(asOf: try call.query.asOf(), by: call.actor)))
        }
        routes.get("/v1/risks", gate.read) { call in try await flags(call, kind: .risk) }
        // Risks and growth signals alike (`INSIGHTS.md`, "Growth signals"), `?kind=` to choose.
        routes.get("/v1/signals", gate.read) { call in try await flags(call, kind: try call.query.enumValue("kind", FlagKind.self)) }
        routes.get("/v1/settings/health", gate.read) { _ in
            try .json(HealthSettingsBody(try await health.settings()))
        }
        routes.put("/v1/settings/health", gate.admin) { call in
            try .json(HealthSettingsBody(try await health.updateSettings(try call.decode(HealthSettingsInput.self), by: call.actor)))
        }
        return routes
    }
}

struct FlagResource: Encodable, Sendable {
    var code: String
    var severity: String
    var since: Date
    var action: String

    init(_ code: RiskFlagCode, since: Date) {
        self.code = code.rawValue
        severity = code.severity.rawValue
        self.since = since
        action = code.action
    }
}

struct AccountHealthResource: Encodable, Sendable {
    var object = "account_health"
    var accountId: String
    var asOf: Date
    var lifecycleStage: String
    @Nullable var score: Int?
    var band: String
    var components: [Component]
    @Nullable var trend30d: Int?
    var flags: [FlagResource]
    var growthFlags: [FlagResource]

    struct Component: Encodable, Sendable {
        var name: String
        var weight: Double
        @Nullable var score: Double?
        var inputs: [String: Nullable<Double>]
    }

    enum CodingKeys: String, CodingKey {
        case object, accountId, asOf, lifecycleStage, score, band, components, flags, growthFlags
        case trend30d = "trend_30d"
    }

    init(_ health: AccountHealth, _ settings: HealthSettings) {
        accountId = health.account.id
        asOf = health.asOf
        lifecycleStage = health.lifecycleStage.rawValue
        score = health.evaluation?.score
        band = health.evaluation?.band?.rawValue ?? HealthBandFilter.unscored
        components = (health.evaluation?.components ?? []).map { component in
            Component(
                name: component.component.rawValue,
                weight: component.weight,
                score: component.score,
                inputs: component.inputs.mapValues { Nullable(wrappedValue: $0) }
            )
        }
        trend30d = health.trend30d
        flags = health.flags.filter { $0.code.kind == .risk }.map { FlagResource($0.code, since: $0.since) }
        growthFlags = health.flags.filter { $0.code.kind == .growth }.map { FlagResource($0.code, since: $0.since) }
    }
}

struct DailyHealthResource: Encodable, Sendable {
    var date: String
    var evaluatedAt: Date
    @Nullable var score: Int?
    var band: String
    var components: [String: Nullable<Double>]

    init(_ health: DailyHealth) {
        date = Timestamp.formatDate(health.day)
        evaluatedAt = health.evaluatedAt
        score = health.score
        band = health.band?.rawValue ?? HealthBandFilter.unscored
        components = Dictionary(uniqueKeysWithValues: HealthComponent.allCases.map { ($0.rawValue, Nullable(wrappedValue: health.components[$0])) })
    }
}

struct HealthListItemResource: Encodable, Sendable {
    var accountId: String
    var name: String
    @Nullable var segment: String?
    @Nullable var owner: String?
    var mrr: Int
    @Nullable var score: Int?
    var band: String
    @Nullable var evaluatedAt: Date?
    @Nullable var trend30d: Int?
    var openFlags: [String]

    enum CodingKeys: String, CodingKey {
        case accountId, name, segment, owner, mrr, score, band, evaluatedAt, openFlags
        case trend30d = "trend_30d"
    }

    init(_ item: HealthListItem) {
        accountId = item.account.id
        name = item.account.name
        segment = item.account.segment?.rawValue
        owner = item.account.owner
        mrr = item.mrr
        score = item.health?.score
        band = item.health?.band?.rawValue ?? HealthBandFilter.unscored
        evaluatedAt = item.health?.evaluatedAt
        trend30d = item.trend30d
        openFlags = item.openFlags.map(\.rawValue)
    }
}

struct RiskResource: Encodable, Sendable {
    var id: String
    var object = "risk_flag"
    var accountId: String
    var accountName: String
    @Nullable var owner: String?
    var code: String
    var kind: String
    var severity: String
    var since: Date
    var action: String

    init(_ risk: RiskView) {
        kind = risk.flag.code.kind.rawValue
        id = risk.flag.id
        accountId = risk.account.id
        accountName = risk.account.name
        owner = risk.account.owner
        code = risk.flag.code.rawValue
        severity = risk.flag.severity.rawValue
        since = risk.flag.since
        action = risk.flag.code.action
    }
}

struct EvaluationRunResource: Encodable, Sendable {
    var asOf: Date
    var evaluated: Int
    var scored: Int
    var flagsRaised: Int
    var flagsClosed: Int
    var tasksCreated: Int

    init(_ run: EvaluationRun) {
        asOf = run.asOf
        evaluated = run.evaluated
        scored = run.scored
        flagsRaised = run.flagsRaised
        flagsClosed = run.flagsClosed
        tasksCreated = run.tasksCreated
    }
}
