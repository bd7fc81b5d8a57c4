import Hummingbird
import TenureCore
import TenureJSON
import TenureServices

/// `/v1/settings/...`: read with `read`, replaced whole with `admin`.
struct SettingsController {
    let pipeline: PipelineService
    let webhooks: WebhookService
    let gate: Gate

    struct PipelineSettingsBody: Encodable, Sendable {
        var stageProbabilities: [String: Double]?
        var stallDays: Int?
        var forecastThresholds: [String: Double]

        init(_ settings: PipelineSettings) {
            stageProbabilities = Dictionary(uniqueKeysWithValues: settings.stageProbabilities.map { ($0.key.rawValue, $0.value) })
            stallDays = settings.stallDays
            forecastThresholds = ["best_case": settings.forecastThresholds.bestCase, "commit": settings.forecastThresholds.commit]
        }
    }

    var routes: RouteCollection<AppRequestContext> {
        let routes = RouteCollection(context: AppRequestContext.self)
        routes.get("/v1/settings/pipeline", gate.read) { _ in
            try .json(PipelineSettingsBody(try await pipeline.settings()))
        }
        routes.put("/v1/settings/pipeline", gate.admin) { call in
            try .json(PipelineSettingsBody(try await pipeline.updateSettings(try call.decode(PipelineSettingsInput.self), by: call.actor)))
        }
        routes.get("/v1/settings/crm-mapping", gate.read) { _ in
            try .json(try await webhooks.crmMapping())
        }
        routes.put("/v1/settings/crm-mapping", gate.admin) { call in
            try .json(try await webhooks.updateCRMMapping(try Self.crmMappingInput(call.body), by: call.actor))
        }
        return routes
    }

    /// The PUT body's tables, with every wrong type named by its path (422) before any is applied. `lost_reason_field`
    /// absent is kept, null clears it.
    static func crmMappingInput(_ body: [UInt8]) throws -> [String: CRMMapping.TableInput] {
        guard case .object(let crms)? = JSONValue.parse(body) else { throw Problem.badRequest("The body must be a JSON object.") }
        var validator = Validator()
        var input: [String: CRMMapping.TableInput] = [:]
        for (name, value) in crms.dictionary {
            guard case .object(let table) = value else {
                validator.add(name, "must be an object")
                continue
            }
            for key in table.dictionary.keys where key != "stages" && key != "lost_reason_field" {
                validator.add("\(name).\(key)", "is not a setting")
            }
            var stages: [String: String]?
            switch table["stages"] {
            case .object(let given)?: stages = given.textMembers(at: "\(name).stages", allowingNull: false, &validator).compactMapValues { $0 }
            case nil, .null?: stages = nil
            default: validator.add("\(name).stages", "must be an object")
            }
            var lostReasonField: String??
            switch table["lost_reason_field"] {
            case nil: lostReasonField = .none
            case .null?: lostReasonField = .some(nil)
            case .string(let field)?: lostReasonField = .some(field)
            default: validator.add("\(name).lost_reason_field", "must be a string or null")
            }
            input[name] = CRMMapping.TableInput(stages: stages, lostReasonField: lostReasonField)
        }
        try validator.check()
        return input
    }
}
