import TenureCore
import TenureServices

/// `/v1/settings/...`: read with `read`, replaced whole with `admin`.
struct SettingsController {
    struct PipelineSettingsBody: Codable, Sendable {
        var stageProbabilities: [String: Double]?
        var stallDays: Int?

        init(_ settings: PipelineSettings) {
            stageProbabilities = Dictionary(uniqueKeysWithValues: settings.stageProbabilities.map { ($0.key.rawValue, $0.value) })
            stallDays = settings.stallDays
        }
    }

    func register(on endpoints: Endpoints) {
        let pipeline = endpoints.services.pipeline
        endpoints.get("/v1/settings/pipeline", .scope(.read)) { _ in
            try .json(PipelineSettingsBody(try await pipeline.settings()))
        }
        endpoints.put("/v1/settings/pipeline", .scope(.admin)) { call in
            let body = try call.decode(PipelineSettingsBody.self)
            let settings = try PipelineSettings.validated(stageProbabilities: body.stageProbabilities, stallDays: body.stallDays)
            return try .json(PipelineSettingsBody(try await pipeline.updateSettings(settings, by: call.actor)))
        }
    }
}
