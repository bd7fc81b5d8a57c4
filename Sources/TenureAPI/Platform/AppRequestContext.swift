import Hummingbird

/// The per-request context of every Tenure route.
struct AppRequestContext: RequestContext {
    var coreContext: CoreRequestContextStorage

    init(source: Source) {
        self.coreContext = .init(source: source)
    }

    /// Bodies are read by `Endpoints` with each endpoint's own limit.
    var maxUploadSize: Int { Endpoints.bulkBodyLimit }
}
