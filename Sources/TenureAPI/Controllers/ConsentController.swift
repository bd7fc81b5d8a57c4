import Foundation
import Hummingbird
import TenureCore
import TenureServices

/// `/v1/consents`, contactability and `/v1/privacy/violations` (`PRIVACY.md`, "Consent").
struct ConsentController {
    let consents: ConsentService
    let accessLog: AccessLogService
    let gate: Gate

    var routes: RouteCollection<AppRequestContext> {
        let routes = RouteCollection(context: AppRequestContext.self)
        routes.post("/v1/consents", gate.write) { call in
            let consent = try await consents.record(try call.decode(ConsentInput.self), by: call.actor)
            return try .json(ConsentResource(consent), status: .created, location: "/v1/consents/\(consent.id)")
        }
        routes.get("/v1/consents", gate.read) { call in
            let query = call.query
            let filter = ConsentFilter(
                channel: try query.listed("channel", ConsentChannel.self),
                purpose: try query.listed("purpose", ConsentPurpose.self),
                status: try query.listed("status", ConsentStatus.self)
            )
            let page = try await consents.list(
                contactID: query["contact_id"],
                email: try query.email(),
                filter,
                page: try query.page(),
                visibleTo: try await call.context.visibleAccounts?.ids()
            )
            try await accessLog.record(call.access("consent.list", "consent", count: page.items.count))
            return try .json(ListBody(page, ConsentResource.init))
        }
        routes.get("/v1/consents/{id}", gate.read) { call in
            let consent = try await consents.get(try call.parameter("id"))
            try await accessLog.record(call.access("consent.get", "consent", id: consent.id))
            return try .json(ConsentResource(consent))
        }
        routes.get("/v1/contacts/{id}/contactability", gate.read) { call in
            try await contactability(.contact(try call.parameter("id")), call)
        }
        routes.get("/v1/contactability", gate.read.companyWide) { call in
            guard let email = try call.query.email() else { throw ValidationError("email", "is required") }
            return try await contactability(.email(email), call)
        }
        routes.get("/v1/privacy/violations", gate.read) { call in
            let query = call.query
            let filter = ActivityFilter(
                accountID: query["account_id"],
                contactID: query["contact_id"],
                from: try query.instant("from"),
                to: try query.instant("to")
            )
            let page = try await call.visible(try await consents.violations(filter, page: try query.page())) { $0.activity.accountID }
            return try .json(ListBody(page, ViolationResource.init))
        }
        return routes
    }

    private func contactability(_ subject: ConsentSubject, _ call: Call) async throws -> Reply {
        let query = call.query
        guard let channel = try query.listed("channel", ConsentChannel.self) else { throw ValidationError("channel", "is required") }
        guard let purpose = try query.listed("purpose", ConsentPurpose.self), purpose != .all else {
            throw ValidationError("purpose", "must be one of " + ConsentPurpose.specific.map(\.rawValue).joined(separator: ", "))
        }
        let view = try await consents.contactability(subject, channel: channel, purpose: purpose, asOf: try query.asOf())
        return try .json(ContactabilityResource(view))
    }
}

extension Query {
    /// A parameter that must name one of a list (`PRIVACY.md`: 422 for a value outside it).
    func listed<T: RawRepresentable & CaseIterable>(_ name: String, _ type: T.Type) throws -> T? where T.RawValue == String {
        var validator = Validator()
        let value = T.parse(self[name], name, &validator)
        try validator.check()
        return value
    }

    /// `?email=`, lowercased; 422 when it is not an email address.
    func email() throws -> String? {
        guard let text = self["email"] else { return nil }
        guard let email = EmailAddress.normalize(text) else { throw ValidationError("email", "must be an email address") }
        return email
    }
}

struct ConsentResource: Encodable, Sendable {
    var id: String
    var object = "consent"
    @Nullable var contactId: String?
    @Nullable var email: String?
    var channel: String
    var purpose: String
    var status: String
    var source: Source
    var occurredAt: Date
    var recordedAt: Date

    struct Source: Encodable, Sendable {
        var kind: String
        @Nullable var detail: String?
        @Nullable var campaign: String?
    }

    init(_ consent: Consent) {
        id = consent.id
        contactId = consent.contactID
        email = consent.email
        channel = consent.channel.rawValue
        purpose = consent.purpose.rawValue
        status = consent.status.rawValue
        source = Source(kind: consent.source.kind.rawValue, detail: consent.source.detail, campaign: consent.source.campaign)
        occurredAt = consent.occurredAt
        recordedAt = consent.recordedAt
    }
}

struct ContactabilityResource: Encodable, Sendable {
    @Nullable var contactId: String?
    @Nullable var email: String?
    var channel: String
    var purpose: String
    var asOf: Date
    var allowed: Bool
    var reason: String
    @Nullable var deciding: ConsentResource?

    init(_ view: ContactabilityView) {
        contactId = view.contactID
        email = view.email
        channel = view.channel.rawValue
        purpose = view.purpose.rawValue
        asOf = view.asOf
        allowed = view.state.allowed
        reason = view.state.reason.rawValue
        deciding = view.state.deciding.map(ConsentResource.init)
    }
}

struct ViolationResource: Encodable, Sendable {
    var activityId: String
    var accountId: String
    var contactId: String
    var activityType: String
    var channel: String
    var purpose: String
    var occurredAt: Date
    var consentId: String
    var withdrawnAt: Date
    var withdrawnChannel: String
    var hoursAfterWithdrawal: Double

    init(_ violation: ConsentViolation) {
        activityId = violation.activity.id
        accountId = violation.activity.accountID
        contactId = violation.activity.contactID ?? ""
        activityType = violation.activity.type.rawValue
        channel = violation.channel.rawValue
        purpose = violation.purpose.rawValue
        occurredAt = violation.activity.occurredAt
        consentId = violation.withdrawal.id
        withdrawnAt = violation.withdrawal.occurredAt
        withdrawnChannel = violation.withdrawal.channel.rawValue
        hoursAfterWithdrawal = violation.hoursAfterWithdrawal
    }
}
