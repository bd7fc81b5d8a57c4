import Hummingbird
import TenureCore
import TenureServices

/// The per-request context of every Tenure route: what the middleware in front of a handler learned.
struct AppRequestContext: RequestContext {
    var coreContext: CoreRequestContextStorage
    /// The key that called, once `AuthenticationMiddleware` accepted it; nil on open routes.
    var actor: Actor?
    /// The calling key's scope, with `actor`.
    var scope: Scope?
    /// The calling key, with `actor`.
    var key: APIKey?
    /// A page a CSV export reads: its reads are the export's one access-log entry, not one each.
    var exporting = false
    /// For a key restricted to an owner: the accounts it sees (`RestrictionMiddleware`).
    var visibleAccounts: VisibleAccounts?
    /// The body, read by `BodyMiddleware` within its route's limit; empty when the route takes none.
    var body: [UInt8] = []

    init(source: Source) {
        self.coreContext = .init(source: source)
    }

    /// Bodies are read by `BodyMiddleware` with each route's own limit.
    var maxUploadSize: Int { RouteGuard.importBodyLimit }
}
