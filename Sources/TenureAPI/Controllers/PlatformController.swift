import Foundation
import Hummingbird
import TenureServices

/// `/healthz`, `/readyz`, `/metrics` and the audit log.
struct PlatformController {
    let storage: any Storage
    let audit: AuditService
    let gate: Gate
    let metrics: MetricsRegistry

    var routes: RouteCollection<AppRequestContext> {
        let routes = RouteCollection(context: AppRequestContext.self)
        routes.get("/healthz", gate.open) { _ in try .json(["status": "ok"]) }
        routes.get("/readyz", gate.open) { _ in
            guard await storage.isReady() else {
                throw Problem(.serviceUnavailable, "not-ready", detail: "The database does not answer or its migrations are not current.")
            }
            return try .json(["status": "ready"])
        }
        routes.get("/metrics", gate.open) { [metrics] _ in
            .text(metrics.emitToString(), contentType: "text/plain; version=0.0.4; charset=utf-8")
        }
        routes.get("/v1/audit-log", gate.admin) { call in
            let page = try await audit.list(page: call.query.page())
            return try .json(ListBody(page, AuditEntryResource.init))
        }
        return routes
    }
}

struct AuditEntryResource: Encodable, Sendable {
    var at: Date
    var keyName: String
    var action: String
    var resource: String
    @Nullable var resourceId: String?

    init(_ entry: AuditEntry) {
        at = entry.at
        keyName = entry.keyName
        action = entry.action
        resource = entry.resource
        resourceId = entry.resourceID
    }
}
