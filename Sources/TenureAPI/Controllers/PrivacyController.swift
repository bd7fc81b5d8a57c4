import Foundation
import Hummingbird
import TenureCore
import TenureJSON
import TenureServices

/// `/v1/access-log` and the subject rights of `PRIVACY.md`.
struct PrivacyController {
    let privacy: PrivacyService
    let retention: RetentionService
    let accessLog: AccessLogService
    let gate: Gate

    struct ErasureRequest: Decodable {
        var email: String?
    }

    var routes: RouteCollection<AppRequestContext> {
        let routes = RouteCollection(context: AppRequestContext.self)
        routes.get("/v1/access-log", gate.admin) { call in
            let query = call.query
            let filter = AccessLogFilter(keyName: query["key_name"], action: query["action"], resourceID: query["resource_id"])
            return try .json(ListBody(try await accessLog.list(filter, page: try query.page()), AccessEntryResource.init))
        }
        routes.get("/v1/settings/retention", gate.read) { _ in
            try .json(RetentionSettingsBody(try await retention.settings()))
        }
        routes.put("/v1/settings/retention", gate.admin) { call in
            try .json(RetentionSettingsBody(try await retention.update(try Self.retentionSettings(call.body), by: call.actor)))
        }
        routes.post("/v1/privacy/retention/run", gate.admin) { call in
            try .json(RetentionRunBody(try await retention.run(asOf: try call.query.asOf(), by: call.actor)))
        }
        routes.get("/v1/privacy/subjects", gate.admin) { call in
            guard let email = try call.query.email() else { throw ValidationError("email", "is required") }
            let subject = try await privacy.subjectAccess(email)
            try await accessLog.record(call.access("privacy.subject_access", "privacy_subject", id: subject.subjectHash, count: subject.count))
            return try .json(SubjectResource(subject, asOf: call.now))
        }
        routes.post("/v1/privacy/erasures", gate.admin) { call in
            let text = try call.decode(ErasureRequest.self).email
            guard let text else { throw ValidationError("email", "is required") }
            guard let email = EmailAddress.normalize(text) else { throw ValidationError("email", "must be an email address") }
            return try .json(ErasureResource(try await privacy.erase(email, by: call.actor)))
        }
        return routes
    }
}

extension PrivacyController {
    /// The PUT body: the whole object, a missing setting null (forever); each one null or an integer.
    static func retentionSettings(_ body: [UInt8]) throws -> RetentionSettings {
        guard case .object(let given)? = JSONValue.parse(body) else { throw Problem.badRequest("The body must be a JSON object.") }
        var validator = Validator()
        var settings = RetentionSettings()
        let known = Set(RetentionSettings.limits.map(\.name))
        for key in given.dictionary.keys.sorted() where !known.contains(key) { validator.add(key, "is not a setting") }
        for (name, keyPath, _) in RetentionSettings.limits {
            switch given[name] {
            case nil, .null?: settings[keyPath: keyPath] = nil
            case .integer(let days)?: settings[keyPath: keyPath] = Int(clamping: days)
            default: validator.add(name, "must be null or an integer")
            }
        }
        try validator.check()
        return settings
    }
}

struct RetentionSettingsBody: Encodable, Sendable {
    @Nullable var activitiesDays: Int?
    @Nullable var webhookPayloadsDays: Int?
    @Nullable var auditLogDays: Int?
    @Nullable var accessLogDays: Int?
    @Nullable var leadsDays: Int?

    init(_ settings: RetentionSettings) {
        activitiesDays = settings.activitiesDays
        webhookPayloadsDays = settings.webhookPayloadsDays
        auditLogDays = settings.auditLogDays
        accessLogDays = settings.accessLogDays
        leadsDays = settings.leadsDays
    }
}

struct RetentionRunBody: Encodable, Sendable {
    var asOf: Date
    var activitiesDeleted: Int
    var webhookPayloadsPurged: Int
    var auditLogDeleted: Int
    var accessLogDeleted: Int
    var leadConsentsDeleted: Int
    var leadsDeleted: Int

    init(_ run: RetentionRun) {
        asOf = run.asOf
        activitiesDeleted = run.activitiesDeleted
        webhookPayloadsPurged = run.webhookPayloadsPurged
        auditLogDeleted = run.auditLogDeleted
        accessLogDeleted = run.accessLogDeleted
        leadConsentsDeleted = run.leadConsentsDeleted
        leadsDeleted = run.leadsDeleted
    }
}

struct SubjectResource: Encodable, Sendable {
    var email: String
    var subjectHash: String
    var contacts: [ContactResource]
    var consents: [ConsentResource]
    var activities: [ActivityResource]
    var surveys: [SurveyResource]
    var cases: [CaseResource]
    var webhookEvents: [WebhookEventResource]
    var leads: [LeadResource]
    var auditLog: [AuditEntryResource]

    init(_ subject: SubjectData, asOf: Date) {
        email = subject.email
        subjectHash = subject.subjectHash
        contacts = subject.contacts.map(ContactResource.init)
        consents = subject.consents.map(ConsentResource.init)
        activities = subject.activities.map(ActivityResource.init)
        surveys = subject.surveys.map(SurveyResource.init)
        cases = subject.cases.map { CaseResource($0, targets: subject.targets, asOf: asOf) }
        webhookEvents = subject.webhookEvents.map { WebhookEventResource($0, withPayload: true) }
        leads = subject.leads.map(LeadResource.init)
        auditLog = subject.auditLog.map(AuditEntryResource.init)
    }
}

struct ErasureResource: Encodable, Sendable {
    var subjectHash: String
    var erasedAt: Date
    var counts: Counts

    struct Counts: Encodable, Sendable {
        var contacts: Int
        var consents: Int
        var activities: Int
        var surveys: Int
        var cases: Int
        var webhookEvents: Int
        var leads: Int
    }

    init(_ erasure: Erasure) {
        subjectHash = erasure.subjectHash
        erasedAt = erasure.erasedAt
        counts = Counts(
            contacts: erasure.contacts,
            consents: erasure.consents,
            activities: erasure.activities,
            surveys: erasure.surveys,
            cases: erasure.cases,
            webhookEvents: erasure.webhookEvents,
            leads: erasure.leads
        )
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
