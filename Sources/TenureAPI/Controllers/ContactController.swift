import Foundation
import Hummingbird
import TenureCore
import TenureServices

/// `/v1/contacts` and `/v1/contacts/{id}`.
struct ContactController {
    let contacts: ContactService
    let accessLog: AccessLogService
    let gate: Gate

    var routes: RouteCollection<AppRequestContext> {
        let routes = RouteCollection(context: AppRequestContext.self)
        routes.post("/v1/contacts", gate.write) { call in
            let view = try await contacts.create(try call.decode(ContactInput.self), by: call.actor)
            return try .json(ContactResource(view), status: .created, location: "/v1/contacts/\(view.contact.id)")
        }
        routes.get("/v1/contacts", gate.read) { call in
            let query = call.query
            let filter = ContactFilter(
                accountID: query["account_id"],
                role: try query.enumValue("role", ContactRole.self),
                email: query["email"].map { EmailAddress.normalize($0) ?? $0 },
                externalID: query["external_id"]
            )
            let page = try await call.visible(try await contacts.list(filter, page: try query.page(), asOf: try query.asOf())) {
                $0.contact.accountID
            }
            try await accessLog.record(call.access("contact.list", "contact", count: page.items.count))
            return try .json(ListBody(page, ContactResource.init))
        }
        routes.get("/v1/contacts/{id}", gate.read) { call in
            let view = try await contacts.get(try call.parameter("id"), asOf: try call.query.asOf())
            try await accessLog.record(call.access("contact.get", "contact", id: view.contact.id))
            return try .json(ContactResource(view))
        }
        routes.post("/v1/contacts/{id}/merge", gate.write) { call in
            try .json(
                ContactMergeResource(try await contacts.merge(try call.parameter("id"), try call.decode(ContactMergeInput.self), by: call.actor))
            )
        }
        routes.patch("/v1/contacts/{id}", gate.write) { call in
            let changes = try call.decode(ContactChanges.self)
            return try .json(ContactResource(try await contacts.update(try call.parameter("id"), changes, by: call.actor)))
        }
        return routes
    }
}

struct ContactResource: Encodable, Sendable {
    var id: String
    var object = "contact"
    var accountId: String
    var name: String
    @Nullable var email: String?
    @Nullable var title: String?
    var role: String
    var relationshipStrength: String
    @Nullable var externalId: String?
    @Nullable var phone: String?
    @Nullable var erasedAt: Date?
    @Nullable var mergedInto: String?
    @Nullable var lastContactedAt: Date?
    var createdAt: Date
    var updatedAt: Date

    init(_ view: ContactView) {
        let contact = view.contact
        id = contact.id
        accountId = contact.accountID
        name = contact.name
        email = contact.email
        title = contact.title
        role = contact.role.rawValue
        relationshipStrength = contact.relationshipStrength.rawValue
        externalId = contact.externalID
        phone = contact.phone
        erasedAt = contact.erasedAt
        mergedInto = view.contact.mergedInto
        lastContactedAt = view.lastContactedAt
        createdAt = contact.createdAt
        updatedAt = contact.updatedAt
    }
}

struct ContactMergeResource: Encodable, Sendable {
    var object = "contact_merge"
    var dryRun: Bool
    var contact: ContactResource
    var sourceId: String
    var moved: Moved

    struct Moved: Encodable, Sendable {
        var activities: [String]
        var surveys: [String]
        var consents: [String]
        var cases: [String]
    }

    init(_ merge: ContactMerge) {
        dryRun = merge.dryRun
        contact = ContactResource(merge.contact)
        sourceId = merge.sourceID
        moved = Moved(activities: merge.moved.activities, surveys: merge.moved.surveys, consents: merge.moved.consents, cases: merge.moved.cases)
    }
}
