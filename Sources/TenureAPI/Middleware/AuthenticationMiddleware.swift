import Hummingbird
import TenureCore
import TenureServices

/// Accepts a request that carries an active API key (`Authorization: Bearer <key>`) whose scope allows `scope`, and
/// puts the key in the context; 401 without one, 403 when its scope is too narrow.
struct AuthenticationMiddleware: RouterMiddleware {
    let scope: Scope
    let keys: KeyService

    func handle(
        _ request: Request,
        context: AppRequestContext,
        next: (Request, AppRequestContext) async throws -> Response
    ) async throws -> Response {
        guard let header = request.headers[.authorization], header.lowercased().hasPrefix("bearer ") else {
            throw Self.unauthorized("Send an API key as `Authorization: Bearer <key>`.")
        }
        let secret = String(header.dropFirst("bearer ".count)).trimmingWhitespace()
        guard !secret.isEmpty, secret.utf8.count <= 256, let key = try await keys.authenticate(secret: secret) else {
            throw Self.unauthorized("The API key is unknown or revoked.")
        }
        guard key.scope.allows(scope) else {
            throw Problem(
                .forbidden,
                "forbidden",
                detail: "This endpoint needs a key with scope \(scope.rawValue); this key has \(key.scope.rawValue)."
            )
        }
        var context = context
        context.actor = Actor(keyID: key.id, keyName: key.name)
        context.scope = key.scope
        context.key = key
        return try await next(request, context)
    }

    private static func unauthorized(_ detail: String) -> Problem {
        var problem = Problem(.unauthorized, "unauthorized", detail: detail)
        problem.headers[.wwwAuthenticate] = "Bearer"
        return problem
    }
}
