import Hummingbird
import TenureCore
import TenureServices

/// What a restricted key may reach (`PRIVACY.md`, "Access control"), after authentication: a `support` key only cases and
/// the support metrics (403); a key restricted to an owner no company-wide figure (403), no resource under another's
/// account named in the path (404, as if it did not exist), and — through `AccountVisibility.current` — no other's
/// account named in a body (422, as an unknown id).
struct RestrictionMiddleware: RouterMiddleware {
    let storage: any Storage
    /// A figure over the whole company (revenue, summary, LTV, cohorts, spend, imports): no owner's key may read it.
    let companyWide: Bool

    func handle(
        _ request: Request,
        context: AppRequestContext,
        next: (Request, AppRequestContext) async throws -> Response
    ) async throws -> Response {
        guard let key = context.key else { return try await next(request, context) }
        let path = context.endpointPath ?? request.uri.path
        if key.area == .support, !(path.hasPrefix("/v1/cases") || (request.method == .get && path == "/v1/metrics/support")) {
            throw Problem(.forbidden, "forbidden", detail: "This key is kept to support: cases and the support metrics.")
        }
        guard let visibility = key.visibility else { return try await next(request, context) }
        if companyWide {
            throw Problem(.forbidden, "forbidden", detail: "This key is kept to its owner's accounts; company-wide figures need another key.")
        }
        if let resource = OwnedResource(path: path), let id = context.parameters.get("id") {
            let owner = try await storage.read { tx in try await tx.accounts.owner(of: resource, id: id) }
            if let owner, !visibility.allows(owner: owner.owner) {
                throw Problem(.notFound, "not-found", detail: "No \(resource.rawValue) has the id \(id).")
            }
        }
        var context = context
        context.visibleAccounts = VisibleAccounts(storage: storage, visibility: visibility)
        return try await AccountVisibility.$current.withValue(visibility) { try await next(request, context) }
    }
}

/// The accounts a request restricted to an owner sees, read when a list needs them.
struct VisibleAccounts: Sendable {
    let storage: any Storage
    let visibility: AccountVisibility

    func ids() async throws -> Set<String> {
        try await storage.read { tx in try await tx.accounts.ids(ownedBy: visibility.owner) }
    }
}
