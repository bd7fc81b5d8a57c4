import HTTPTypes
import Hummingbird

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
            // The router's own choice: a literal segment wins over a parameter (`/v1/automations/dry-run` over `{id}`).
            let matching = routes.filter { Self.matches($0.segments, segments) }
            guard let route = matching.min(by: { $0.segments.count { $0.hasPrefix("{") } < $1.segments.count { $0.hasPrefix("{") } }) else {
                throw error
            }
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
