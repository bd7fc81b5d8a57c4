import Foundation
import Hummingbird
import TenureCore
import TenureServices

/// `/v1/activities` and `/v1/activities/batch`.
struct ActivityController {
    let activities: ActivityService
    let gate: Gate

    struct BatchRequest: Decodable {
        var activities: [ActivityInput]
    }

    var routes: RouteCollection<AppRequestContext> {
        let routes = RouteCollection(context: AppRequestContext.self)
        routes.post("/v1/activities", gate.write) { call in
            let activity = try await activities.create(try call.decode(ActivityInput.self), by: call.actor)
            return try .json(ActivityResource(activity), status: .created, location: "/v1/activities/\(activity.id)")
        }
        routes.post("/v1/activities/batch", gate.write.bulk) { call in
            let created = try await activities.createBatch(try call.decode(BatchRequest.self).activities, by: call.actor)
            return try .json(ListBody(data: created.map(ActivityResource.init), nextCursor: nil), status: .created)
        }
        routes.get("/v1/activities", gate.read) { call in
            let query = call.query
            let filter = ActivityFilter(
                accountID: query["account_id"],
                contactID: query["contact_id"],
                opportunityID: query["opportunity_id"],
                from: try query.instant("from"),
                to: try query.instant("to")
            )
            let page = try await call.visible(try await activities.list(filter, page: try query.page())) { $0.accountID }
            return try .json(ListBody(page, ActivityResource.init))
        }
        return routes
    }
}

struct ActivityResource: Encodable, Sendable {
    var id: String
    var object = "activity"
    var accountId: String
    var type: String
    var occurredAt: Date
    @Nullable var contactId: String?
    @Nullable var opportunityId: String?
    @Nullable var direction: String?
    @Nullable var subject: String?
    @Nullable var purpose: String?
    var createdAt: Date

    init(_ activity: Activity) {
        id = activity.id
        accountId = activity.accountID
        type = activity.type.rawValue
        occurredAt = activity.occurredAt
        contactId = activity.contactID
        opportunityId = activity.opportunityID
        direction = activity.direction?.rawValue
        subject = activity.subject
        purpose = activity.purpose?.rawValue
        createdAt = activity.createdAt
    }
}
