import Foundation
import Hummingbird
import TenureServices

/// `/healthz`, `/readyz`, `/metrics` and the audit log.
struct PlatformController {
    let metrics: MetricsRegistry

    func register(on endpoints: Endpoints) {
        let storage = endpoints.services.storage
        let audit = endpoints.services.audit
        endpoints.get("/healthz", .open) { _ in try .json(["status": "ok"]) }
        endpoints.get("/readyz", .open) { _ in
            guard await storage.isReady() else {
                throw Problem(.serviceUnavailable, "not-ready", detail: "The database does not answer or its migrations are not current.")
            }
            return try .json(["status": "ready"])
        }
        endpoints.get("/metrics", .open) { [metrics] _ in
            .text(metrics.emitToString(), contentType: "text/plain; version=0.0.4; charset=utf-8")
        }
        endpoints.get("/v1/audit-log", .scope(.admin)) { call in
            let page = try await audit.list(page: call.query.page())
            return try .json(ListBody(page, AuditEntryResource.init))
        }
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
