import Foundation
import Hummingbird
import TenureCore
import TenureServices

/// `/v1/keys` (admin): API keys, and `/v1/keys/current` (any key: itself), restricted to an owner's accounts or to support when made so (`PRIVACY.md`).
struct KeyController {
    let keys: KeyService
    let gate: Gate

    struct CreateRequest: Decodable {
        var name: String?
        var scope: String?
        var owner: String?
        var area: String?
    }

    var routes: RouteCollection<AppRequestContext> {
        let routes = RouteCollection(context: AppRequestContext.self)
        routes.post("/v1/keys", gate.admin) { call in
            let request = try call.decode(CreateRequest.self)
            var validator = Validator()
            validator.required(request.name, "name")
            validator.required(request.scope, "scope")
            let scope = Scope.parse(request.scope, "scope", &validator)
            let area = KeyArea.parse(request.area, "area", &validator)
            try validator.check()
            let (key, secret) = try await keys.create(
                name: request.name ?? "",
                scope: scope ?? .read,
                owner: request.owner,
                area: area,
                by: call.actor
            )
            var resource = KeyResource(key)
            resource.secret = secret
            return try .json(resource, status: .created, location: "/v1/keys/\(key.id)")
        }
        routes.get("/v1/keys", gate.admin) { _ in
            try .json(ListBody(data: try await keys.list().map(KeyResource.init), nextCursor: nil))
        }
        // Any key may read itself: what the built-in pages ask to know whether to offer actions.
        routes.get("/v1/keys/current", gate.read) { call in
            guard let key = call.context.key else { throw Problem(.unauthorized, "unauthorized", detail: "No key was given.") }
            return try .json(KeyResource(key))
        }
        routes.post("/v1/keys/{id}/revoke", gate.admin) { call in
            try .json(KeyResource(try await keys.revoke(id: try call.parameter("id"), by: call.actor)))
        }
        return routes
    }
}

struct KeyResource: Encodable, Sendable {
    var id: String
    var object = "api_key"
    var name: String
    var scope: String
    @Nullable var owner: String?
    @Nullable var area: String?
    var prefix: String
    var createdAt: Date
    @Nullable var revokedAt: Date?
    /// Only when it is made.
    var secret: String?

    init(_ key: APIKey) {
        id = key.id
        name = key.name
        scope = key.scope.rawValue
        owner = key.owner
        area = key.area?.rawValue
        prefix = key.prefix
        createdAt = key.createdAt
        revokedAt = key.revokedAt
    }
}
