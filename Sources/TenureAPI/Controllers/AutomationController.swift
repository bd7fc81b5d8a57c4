import Foundation
import Hummingbird
import TenureCore
import TenureJSON
import TenureServices

/// `/v1/automations` (admin): definitions, runs and dry runs.
struct AutomationController {
    let automations: AutomationService
    let log: EventLog
    let accounts: AccountService
    let gate: Gate

    var routes: RouteCollection<AppRequestContext> {
        let routes = RouteCollection(context: AppRequestContext.self)
        let documents = AutomationDocumentsReader(rendering: EventRenderer(log: log), accounts: accounts, clock: gate.clock)
        routes.post("/v1/automations", gate.admin) { call in
            let stored = try await automations.create(try Self.body(call), by: call.actor)
            return try .json(AutomationResource(stored), status: .created, location: "/v1/automations/\(stored.automation.id)")
        }
        routes.get("/v1/automations", gate.admin) { _ in
            try .json(["data": try await automations.list().map(AutomationResource.init)])
        }
        routes.get("/v1/automations/{id}", gate.admin) { call in
            try .json(AutomationResource(try await automations.get(try call.parameter("id"))))
        }
        routes.patch("/v1/automations/{id}", gate.admin) { call in
            try .json(AutomationResource(try await automations.update(try call.parameter("id"), try Self.body(call), by: call.actor)))
        }
        routes.delete("/v1/automations/{id}", gate.admin) { call in
            try .json(AutomationResource(try await automations.delete(try call.parameter("id"), by: call.actor)))
        }
        routes.get("/v1/automations/{id}/runs", gate.admin) { call in
            let query = call.query
            let filter = AutomationRunFilter(
                automationID: try call.parameter("id"),
                status: try query.enumValue("status", AutomationRun.Status.self),
                eventID: query["event_id"],
                accountID: query["account_id"]
            )
            return try .json(ListBody(try await automations.runs(filter, page: try query.page()), AutomationRunResource.init))
        }
        routes.post("/v1/automations/{id}/dry-run", gate.admin) { call in
            let automation = try await automations.get(try call.parameter("id")).automation
            return try .json(try await Self.dryRun(automation, call, automations, log, documents))
        }
        routes.post("/v1/automations/dry-run", gate.admin) { call in
            let body = try Self.body(call)
            let automation = try automations.definition(body["automation"].isObject ? body["automation"] : .null)
            return try .json(try await Self.dryRun(automation, call, automations, log, documents))
        }
        return routes
    }

    static func body(_ call: Call) throws -> JSONValue {
        guard let body = JSONValue.parse(call.body), body.isObject else { throw Problem.badRequest("The request body must be a JSON object.") }
        return body
    }

    static func dryRun(
        _ automation: Automation,
        _ call: Call,
        _ automations: AutomationService,
        _ log: EventLog,
        _ documents: AutomationDocumentsReader
    ) async throws -> DryRunResource {
        guard let eventID = try body(call)["event_id"].string else { throw ValidationError("event_id", "is required") }
        let event: Event
        do {
            event = try await log.get(eventID)
        } catch ServiceError.notFound {
            throw ValidationError("event_id", "no event has this id")
        }
        return DryRunResource(automations.dryRun(automation, on: event, documents: try await documents.read(event)))
    }
}

/// What an automation sees of an event: the event as its `GET` answers it, and its account as `GET /v1/accounts/{id}`
/// answers now.
struct AutomationDocumentsReader: Sendable {
    let rendering: EventRenderer
    let accounts: AccountService
    let clock: Clock

    func read(_ event: Event) async throws -> (event: JSONValue, account: JSONValue) {
        let eventJSON = JSONValue.parse(try await rendering.body(of: event)) ?? .null
        guard let accountID = event.accountID, let view = try? await accounts.get(accountID, asOf: clock.now()) else {
            return (eventJSON, .null)
        }
        return (eventJSON, JSONValue.parse(try JSON.encode(AccountResource(view))) ?? .null)
    }
}

struct AutomationResource: Encodable, Sendable {
    var id: String
    var object = "automation"
    var name: String
    var trigger: String
    var conditions: JSONValue
    var actions: JSONValue
    var status: String
    var createdAt: Date
    var updatedAt: Date

    init(_ stored: StoredAutomation) {
        let automation = stored.automation
        id = automation.id
        name = automation.name
        trigger = automation.trigger.rawValue
        conditions = stored.definition["conditions"]
        actions = stored.definition["actions"]
        status = automation.status.rawValue
        createdAt = automation.createdAt
        updatedAt = automation.updatedAt
    }
}

struct ConditionResultResource: Encodable, Sendable {
    var field: String
    var op: String
    var value: AutomationCondition.Value
    var actual: AutomationCondition.Value
    var result: Bool

    init(_ result: AutomationRun.ConditionResult) {
        field = result.field
        op = result.op
        value = result.value
        actual = result.actual
        self.result = result.result
    }
}

struct ActionResultResource: Encodable, Sendable {
    var index: Int
    var type: String
    var status: String
    @Nullable var result: [String: AutomationCondition.Value]?
    @Nullable var error: String?

    init(_ result: AutomationRun.ActionResult) {
        index = result.index
        type = result.type
        status = result.status.rawValue
        self.result = result.result
        error = result.error
    }
}

struct AutomationRunResource: Encodable, Sendable {
    var id: String
    var object = "automation_run"
    var automationId: String
    var eventId: String
    @Nullable var accountId: String?
    var status: String
    var conditions: [ConditionResultResource]
    var actions: [ActionResultResource]
    var startedAt: Date
    @Nullable var resumeAt: Date?
    @Nullable var finishedAt: Date?

    init(_ run: AutomationRun) {
        id = run.id
        automationId = run.automationID
        eventId = run.eventID
        accountId = run.accountID
        status = run.status.rawValue
        conditions = run.conditions.map(ConditionResultResource.init)
        actions = run.actions.map(ActionResultResource.init)
        startedAt = run.startedAt
        resumeAt = run.status == .waiting ? run.resumeAt : nil
        finishedAt = run.finishedAt
    }
}

struct DryRunResource: Encodable, Sendable {
    var triggerMatched: Bool
    var matched: Bool
    var conditions: [ConditionResultResource]
    var actions: [ActionResultResource]

    init(_ dryRun: DryRun) {
        triggerMatched = dryRun.triggerMatched
        matched = dryRun.matched
        conditions = dryRun.conditions.map(ConditionResultResource.init)
        actions = dryRun.actions.map(ActionResultResource.init)
    }
}
