import Foundation
import Hummingbird
import TenureCore
import TenureServices

/// `/v1/access-log` and the subject rights of `PRIVACY.md`.
struct PrivacyController {
    let accessLog: AccessLogService
    let gate: Gate

    var routes: RouteCollection<AppRequestContext> {
        let routes = RouteCollection(context: AppRequestContext.self)
        routes.get("/v1/access-log", gate.admin) { call in
            let query = call.query
            let filter = AccessLogFilter(keyName: query["key_name"], action: query["action"], resourceID: query["resource_id"])
            return try .json(ListBody(try await accessLog.list(filter, page: try query.page()), AccessEntryResource.init))
        }
        return routes
    }
}

struct AccessEntryResource: Encodable, Sendable {
    var at: Date
    var keyName: String
    var action: String
    var resource: String
    @Nullable var resourceId: String?
    var count: Int

    init(_ entry: AccessEntry) {
        at = entry.at
        keyName = entry.keyName
        action = entry.action
        resource = entry.resource
        resourceId = entry.resourceID
        count = entry.count
    }
}
