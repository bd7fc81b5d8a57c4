import Foundation
import Hummingbird
import TenureCore
import TenureServices

/// `/v1/contacts` and `/v1/contacts/{id}`.
struct ContactController {
    let contacts: ContactService
    let gate: Gate

    struct CreateRequest: Decodable {
        var accountId: String?
        var name: String?
        var email: String?
        var title: String?
        var role: String?
        var relationshipStrength: String?
        var externalId: String?
    }

    struct UpdateRequest: Decodable {
        var name: FieldUpdate<String>
        var email: FieldUpdate<String>
        var title: FieldUpdate<String>
        var role: FieldUpdate<String>
        var relationshipStrength: FieldUpdate<String>
        var externalId: FieldUpdate<String>
    }

    var routes: RouteCollection<AppRequestContext> {
        let routes = RouteCollection(context: AppRequestContext.self)
        routes.post("/v1/contacts", gate.write) { call in
            let input = try call.decode(CreateRequest.self)
            let view = try await contacts.create(
                ContactInput(
                    accountID: input.accountId,
                    name: input.name,
                    email: input.email,
                    title: input.title,
                    role: input.role,
                    relationshipStrength: input.relationshipStrength,
                    externalID: input.externalId
                ),
                by: call.actor
            )
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
            let page = try await contacts.list(filter, page: try query.page(), asOf: try query.asOf())
            return try .json(ListBody(page, ContactResource.init))
        }
        routes.get("/v1/contacts/{id}", gate.read) { call in
            try .json(ContactResource(try await contacts.get(try call.parameter("id"), asOf: try call.query.asOf())))
        }
        routes.patch("/v1/contacts/{id}", gate.write) { call in
            let input = try call.decode(UpdateRequest.self)
            var changes = ContactChanges()
            changes.name = input.name
            changes.email = input.email
            changes.title = input.title
            changes.role = input.role
            changes.relationshipStrength = input.relationshipStrength
            changes.externalID = input.externalId
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
        lastContactedAt = view.lastContactedAt
        createdAt = contact.createdAt
        updatedAt = contact.updatedAt
    }
}
