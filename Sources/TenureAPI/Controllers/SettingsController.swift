import Hummingbird
import TenureCore
import TenureServices

/// `/v1/settings/...`: read with `read`, replaced whole with `admin`.
struct SettingsController {
    let pipeline: PipelineService
    let gate: Gate

    struct PipelineSettingsBody: Encodable, Sendable {
        var stageProbabilities: [String: Double]?
        var stallDays: Int?

        init(_ settings: PipelineSettings) {
            stageProbabilities = Dictionary(uniqueKeysWithValues: settings.stageProbabilities.map { ($0.key.rawValue, $0.value) })
            stallDays = settings.stallDays
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
        return routes
    }
}
