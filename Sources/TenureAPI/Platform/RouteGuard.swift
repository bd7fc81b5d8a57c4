import HTTPTypes
import Hummingbird
import TenureCore
import TenureServices

/// Who may call a route.
enum Access: Sendable {
    /// No key needed (`/healthz`, `/readyz`, `/metrics`, webhooks that verify their own signature).
    case open
    case scope(Scope)
}

/// What every route passes through before its handler, built once by `buildRouter` and handed to each controller.
struct Gate: Sendable {
    let storage: any Storage
    let keys: KeyService
    let rateLimiter: RateLimiter
    let idempotency: IdempotencyService
    let clock: Clock

    var open: RouteGuard { RouteGuard(gate: self, access: .open) }
    var read: RouteGuard { RouteGuard(gate: self, access: .scope(.read)) }
    var write: RouteGuard { RouteGuard(gate: self, access: .scope(.write)) }
    var admin: RouteGuard { RouteGuard(gate: self, access: .scope(.admin)) }
}

/// A route's access rule and body limit, applied as middleware in the order the API promises: routing first (404,
/// 405), then authentication (401, 403), the rate limit (429), the body (413, 415) and idempotency.
struct RouteGuard: Sendable {
    static let defaultBodyLimit = 1 << 20
    static let bulkBodyLimit = 16 << 20
    static let importBodyLimit = 32 << 20

    let gate: Gate
    let access: Access
    var bodyLimit = defaultBodyLimit
    var body = BodyKind.json
    /// Errors as SOAP faults rather than problem+json.
    var soap = false
    /// A figure over the whole company: refused to a key restricted to an owner.
    var isCompanyWide = false

    /// The same access for a bulk endpoint's larger body.
    var bulk: RouteGuard {
        var wider = self
        wider.bodyLimit = Self.bulkBodyLimit
        return wider
    }

    /// The same access for a figure over the whole company.
    var companyWide: RouteGuard {
        var wide = self
        wide.isCompanyWide = true
        return wide
    }

    /// The same access for a route that ignores any body it is sent (RFC 8058's one-click POST, whatever its type).
    var ignoringBody: RouteGuard {
        var bodyless = self
        bodyless.bodyLimit = 0
        return bodyless
    }

    /// The same access for a CSV import: a CSV body of up to 32 MiB.
    var csvImport: RouteGuard {
        var wider = self
        wider.bodyLimit = Self.importBodyLimit
        wider.body = .csv
        return wider
    }

    /// The same access for a SOAP endpoint: an XML body, errors as SOAP faults.
    var soapEndpoint: RouteGuard {
        var soap = self
        soap.body = .xml
        soap.soap = true
        return soap
    }

    /// The middleware in front of a route of `method`.
    func group<Parent: RouterMethods<AppRequestContext>>(on parent: Parent, _ method: HTTPRequest.Method) -> RouterGroup<AppRequestContext> {
        let group = parent.group()
        if soap { group.add(middleware: SOAPFaultMiddleware()) }
        if case .scope(let scope) = access {
            group.add(middleware: AuthenticationMiddleware(scope: scope, keys: gate.keys))
            group.add(middleware: RestrictionMiddleware(storage: gate.storage, companyWide: isCompanyWide))
            group.add(middleware: RateLimitMiddleware(limiter: gate.rateLimiter, clock: gate.clock))
        }
        group.add(middleware: BodyMiddleware(limit: method == .get ? 0 : bodyLimit, kind: body))
        if case .scope = access, method == .post { group.add(middleware: IdempotencyMiddleware(idempotency: gate.idempotency)) }
        return group
    }
}

extension RouterMethods<AppRequestContext> {
    typealias Handler = @Sendable (Call) async throws -> Reply

    @discardableResult func get(_ path: RouterPath, _ guard: RouteGuard, _ handler: @escaping Handler) -> Self {
        on(path, .get, `guard`, handler)
    }

    @discardableResult func post(_ path: RouterPath, _ guard: RouteGuard, _ handler: @escaping Handler) -> Self {
        on(path, .post, `guard`, handler)
    }

    @discardableResult func put(_ path: RouterPath, _ guard: RouteGuard, _ handler: @escaping Handler) -> Self {
        on(path, .put, `guard`, handler)
    }

    @discardableResult func patch(_ path: RouterPath, _ guard: RouteGuard, _ handler: @escaping Handler) -> Self {
        on(path, .patch, `guard`, handler)
    }

    @discardableResult func delete(_ path: RouterPath, _ guard: RouteGuard, _ handler: @escaping Handler) -> Self {
        on(path, .delete, `guard`, handler)
    }

    private func on(_ path: RouterPath, _ method: HTTPRequest.Method, _ guard: RouteGuard, _ handler: @escaping Handler) -> Self {
        let gate = `guard`.gate
        `guard`.group(on: self, method).on(path, method: method) { request, context -> Response in
            let call = Call(request: request, context: context, now: gate.clock.now())
            if method == .get, CSVExport.isWanted(by: request) {
                return try await CSVExport(storage: gate.storage, accessLog: AccessLogService(storage: gate.storage)).respond(to: call, handler)
            }
            return try await handler(call).response(from: request, context: context)
        }
        return self
    }
}
