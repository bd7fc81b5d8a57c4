import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import TenureCore
import TenureServices

/// Who may call an endpoint.
enum Access: Sendable {
    /// No key needed (`/healthz`, `/readyz`, `/metrics`, webhooks that verify their own signature).
    case open
    case scope(Scope)
}

/// What a handler is given: the request, its decoded pieces and who is calling.
struct Call: Sendable {
    let request: Request
    let context: AppRequestContext
    let body: [UInt8]
    let actor: Actor
    let now: Date

    var query: Query { Query(request: request, now: now) }

    func decode<T: Decodable>(_ type: T.Type) throws -> T { try JSON.decode(type, from: body) }

    func parameter(_ name: String) throws -> String {
        try context.parameters.require(name)
    }
}

/// A finished response as bytes, so it can be stored for an idempotent replay.
struct Reply: ResponseGenerator, Sendable {
    var status: HTTPResponse.Status
    var headers: [String: String] = [:]
    var body: [UInt8]

    static func json(_ value: some Encodable, status: HTTPResponse.Status = .ok, location: String? = nil) throws -> Reply {
        Reply(status: status, headers: location.map { ["Location": $0] } ?? [:], body: try JSON.encode(value))
    }

    static func text(_ text: String, contentType: String) -> Reply {
        Reply(status: .ok, headers: ["Content-Type": contentType], body: Array(text.utf8))
    }

    func response(from request: Request, context: some RequestContext) throws -> Response {
        var fields = HTTPFields()
        fields[.contentType] = "application/json"
        for (name, value) in headers { if let name = HTTPField.Name(name) { fields[name] = value } }
        return Response(status: status, headers: fields, body: .init(byteBuffer: ByteBuffer(bytes: body)))
    }
}

/// Registers routes with their access rule, body limit and idempotency, and answers 405 (with `Allow`) for a known path
/// called with another method: routing first (404, 405), then authentication (401, 403), then the body (415, 413).
final class Endpoints {
    typealias Handler = @Sendable (Call) async throws -> Reply

    static let defaultBodyLimit = 1 << 20
    static let bulkBodyLimit = 16 << 20

    let router: Router<AppRequestContext>
    let services: Services
    let rateLimiter: RateLimiter
    /// Every registered path with its methods, in registration order.
    private(set) var methods: [(path: String, methods: [HTTPRequest.Method])] = []

    init(router: Router<AppRequestContext>, services: Services, rateLimiter: RateLimiter) {
        self.router = router
        self.services = services
        self.rateLimiter = rateLimiter
    }

    func get(_ path: String, _ access: Access, _ handler: @escaping Handler) {
        add(.get, path, access, bodyLimit: 0, handler)
    }

    func post(_ path: String, _ access: Access, bodyLimit: Int = defaultBodyLimit, _ handler: @escaping Handler) {
        add(.post, path, access, bodyLimit: bodyLimit, handler)
    }

    func put(_ path: String, _ access: Access, _ handler: @escaping Handler) {
        add(.put, path, access, bodyLimit: Self.defaultBodyLimit, handler)
    }

    func patch(_ path: String, _ access: Access, _ handler: @escaping Handler) {
        add(.patch, path, access, bodyLimit: Self.defaultBodyLimit, handler)
    }

    /// Adds the 405 answers; call once all routes are registered.
    func finish() {
        router.add(middleware: MethodNotAllowedMiddleware(routes: methods))
    }

    private func add(_ method: HTTPRequest.Method, _ path: String, _ access: Access, bodyLimit: Int, _ handler: @escaping Handler) {
        if let index = methods.firstIndex(where: { $0.path == path }) {
            methods[index].methods.append(method)
        } else {
            methods.append((path, [method]))
        }
        let services = self.services
        let rateLimiter = self.rateLimiter
        router.on(RouterPath(path), method: method) { request, context -> Reply in
            let now = services.clock.now()
            let actor = try await Self.authorize(request, access, keys: services.keys)
            if case .scope = access, !rateLimiter.allow(actor.keyID, now: now) {
                var problem = Problem(.tooManyRequests, "rate-limited", detail: "This key sent more than \(rateLimiter.perSecond) requests a second.")
                problem.headers[.retryAfter] = "1"
                throw problem
            }
            let body = try await Self.readBody(request, limit: bodyLimit)
            let call = Call(request: request, context: context, body: body, actor: actor, now: now)
            guard method == .post, let key = request.headers[.idempotencyKey], case .scope = access else {
                return try await handler(call)
            }
            return try await Self.idempotent(call, key: key, services.idempotency, handler)
        }
    }

    private static func authorize(_ request: Request, _ access: Access, keys: KeyService) async throws -> Actor {
        guard case .scope(let needed) = access else { return .system }
        guard let header = request.headers[.authorization], header.lowercased().hasPrefix("bearer ") else {
            throw unauthorized("Send an API key as `Authorization: Bearer <key>`.")
        }
        let secret = String(header.dropFirst("bearer ".count)).trimmingWhitespace()
        guard !secret.isEmpty, secret.utf8.count <= 256, let key = try await keys.authenticate(secret: secret) else {
            throw unauthorized("The API key is unknown or revoked.")
        }
        guard key.scope.allows(needed) else {
            throw Problem(
                .forbidden,
                "forbidden",
                detail: "This endpoint needs a key with scope \(needed.rawValue); this key has \(key.scope.rawValue)."
            )
        }
        return Actor(keyID: key.id, keyName: key.name)
    }

    private static func unauthorized(_ detail: String) -> Problem {
        var problem = Problem(.unauthorized, "unauthorized", detail: detail)
        problem.headers[.wwwAuthenticate] = "Bearer"
        return problem
    }

    private static func readBody(_ request: Request, limit: Int) async throws -> [UInt8] {
        guard limit > 0 else { return [] }
        if let length = request.headers[.contentLength].flatMap(Int.init), length > limit { throw NIOTooManyBytesError(maxBytes: limit) }
        let buffer = try await request.body.collect(upTo: limit)
        guard buffer.readableBytes > 0 else { return [] }
        let contentType = request.headers[.contentType]?.lowercased() ?? ""
        let mediaType = contentType.split(separator: ";").first.map { String($0).trimmingWhitespace() } ?? ""
        guard mediaType == "application/json" || mediaType.hasSuffix("+json") else {
            throw Problem(.unsupportedMediaType, "unsupported-media-type", detail: "Send the body as application/json.")
        }
        return Array(buffer.readableBytesView)
    }

    /// Runs `handler` once per (API key, Idempotency-Key); repeats get the stored response.
    private static func idempotent(_ call: Call, key text: String, _ idempotency: IdempotencyService, _ handler: Handler) async throws -> Reply {
        guard !text.isEmpty, text.count <= 255 else { throw Problem.badRequest("must be 1 to 255 characters", field: "Idempotency-Key") }
        let key = IdempotencyKey(apiKeyID: call.actor.keyID, key: text)
        switch try await idempotency.begin(key, requestBody: call.body, method: call.request.method.rawValue, path: call.request.uri.path) {
        case .replay(let stored):
            return Reply(
                status: .init(code: stored.status),
                headers: stored.headers.merging(["Idempotent-Replayed": "true"]) { $1 },
                body: stored.body
            )
        case .proceed:
            break
        }
        do {
            let reply = try await handler(call)
            try await idempotency.finish(key, response: StoredResponse(status: reply.status.code, headers: reply.headers, body: reply.body))
            return reply
        } catch {
            let problem = Problem(from: error)
            if problem.isServerError {
                try? await idempotency.abandon(key)
            } else {
                let body = (try? JSON.encode(problem)) ?? []
                try await idempotency.finish(
                    key,
                    response: StoredResponse(status: problem.status, headers: ["Content-Type": "application/problem+json"], body: body)
                )
            }
            throw problem
        }
    }
}

/// Answers 405 (with `Allow`) when the router found no route but the path is a known one: any other method, even one
/// this server has never heard of (`TRACE`, `QUERY`, …), is not allowed there.
struct MethodNotAllowedMiddleware<Context: RequestContext>: RouterMiddleware {
    let routes: [(segments: [Substring], allow: String)]

    init(routes: [(path: String, methods: [HTTPRequest.Method])]) {
        self.routes = routes.map { ($0.path.split(separator: "/"), $0.methods.map(\.rawValue).joined(separator: ", ")) }
    }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as HTTPError where error.status == .notFound {
            let segments = request.uri.path.split(separator: "/")
            guard let route = routes.first(where: { Self.matches($0.segments, segments) }) else { throw error }
            var problem = Problem(.methodNotAllowed, "method-not-allowed", detail: "This path accepts \(route.allow).")
            problem.headers[.allow] = route.allow
            throw problem
        }
    }

    /// A `{parameter}` segment matches any one segment.
    static func matches(_ pattern: [Substring], _ path: [Substring]) -> Bool {
        pattern.count == path.count && zip(pattern, path).allSatisfy { $0.hasPrefix("{") || $0 == $1 }
    }
}
