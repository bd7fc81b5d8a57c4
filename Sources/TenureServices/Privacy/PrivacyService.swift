import Foundation
import TenureCore
import TenureJSON

/// Everything Tenure holds about one person (`PRIVACY.md`, "Subject access"), oldest first.
public struct SubjectData: Sendable {
    public var email: String
    public var subjectHash: String
    public var contacts: [ContactView]
    public var consents: [Consent]
    public var activities: [Activity]
    public var surveys: [Survey]
    public var cases: [SupportCase]
    /// What the cases are shown against.
    public var targets: SupportTargets
    public var webhookEvents: [WebhookEvent]
    public var auditLog: [AuditEntry]

    /// How many records it lists.
    public var count: Int {
        contacts.count + consents.count + activities.count + surveys.count + cases.count + webhookEvents.count + auditLog.count
    }
}

/// What an erasure found holding the person.
public struct Erasure: Sendable, Equatable {
    public var subjectHash: String
    public var erasedAt: Date
    public var contacts = 0
    public var consents = 0
    public var activities = 0
    public var surveys = 0
    public var cases = 0
    public var webhookEvents = 0
}

/// Subject access and erasure (`PRIVACY.md`): a person is an email, and the contacts that have it.
public struct PrivacyService: Sendable {
    let storage: any Storage
    let clock: Clock
    let secrets: PrivacySecrets

    public init(storage: any Storage, clock: Clock, secrets: PrivacySecrets) {
        self.storage = storage
        self.clock = clock
        self.secrets = secrets
    }

    public func subjectAccess(_ email: String) async throws -> SubjectData {
        let now = clock.now()
        return try await storage.read { tx in
            let contacts = try await tx.contacts.find(email: email)
            let ids = contacts.map(\.id)
            let consents = try await tx.consents.of(ConsentPerson(contactIDs: ids, emails: [email]))
            let activities = try await tx.privacy.activities(linkedTo: ids, mentioning: email)
            let surveys = try await tx.privacy.surveys(linkedTo: ids, mentioning: email)
            let cases = try await tx.privacy.cases(linkedTo: ids, mentioning: email)
            let webhookEvents = try await tx.privacy.webhookEvents(mentioning: email)
            let listed = ids + consents.map(\.id) + activities.map(\.id) + surveys.map(\.id) + cases.map(\.id) + webhookEvents.map(\.id)
            let lastContacted = try await tx.contacts.lastContacted(ids, asOf: now)
            return SubjectData(
                email: email,
                subjectHash: try await secrets.subjectHash(of: email, in: tx),
                contacts: contacts.map { ContactView(contact: $0, lastContactedAt: lastContacted[$0.id]) },
                consents: consents,
                activities: activities,
                surveys: surveys,
                cases: cases,
                targets: try await HealthBook.targets(in: tx),
                webhookEvents: webhookEvents,
                auditLog: try await tx.privacy.auditEntries(about: listed)
            )
        }
    }

    /// Takes the person out of every record that holds them, in one transaction, and keeps every figure as it was: the
    /// contacts stay (redacted, `erased_at` set) with their roles and links, free text and payloads lose what names
    /// them, the consents lose their email, kept idempotent responses that hold them are dropped.
    public func erase(_ email: String, by actor: Actor) async throws -> Erasure {
        let now = clock.now()
        return try await storage.write { tx in
            try await tx.lock(.unique("privacy.subject:\(email)"))
            let contacts = try await tx.contacts.find(email: email)
            let ids = contacts.map(\.id)
            let activities = try await tx.privacy.activities(linkedTo: ids, mentioning: email)
            let surveys = try await tx.privacy.surveys(linkedTo: ids, mentioning: email)
            let cases = try await tx.privacy.cases(linkedTo: ids, mentioning: email)
            let texts = activities.compactMap(\.subject) + surveys.compactMap(\.comment) + cases.map(\.subject)
            let redaction = Redaction(email: email, equalTo: contacts.map(\.name) + contacts.compactMap(\.phone) + texts)

            var erasure = Erasure(subjectHash: try await secrets.subjectHash(of: email, in: tx), erasedAt: now)
            erasure.contacts = contacts.count
            erasure.consents = try await tx.privacy.eraseConsents(ofContacts: ids, email: email, detail: Redaction.marker)
            erasure.activities = activities.count
            erasure.surveys = surveys.count
            erasure.cases = cases.count
            try await tx.privacy.redactText(
                activities: activities.map(\.id),
                surveys: surveys.map(\.id),
                cases: cases.map(\.id),
                with: Redaction.marker
            )
            let webhookEvents = try await tx.privacy.webhookEvents(mentioning: email)
            erasure.webhookEvents = webhookEvents.count
            for event in webhookEvents {
                guard let payload = redaction.redacted(payload: event.payload) else { continue }
                try await tx.privacy.replacePayload(ofWebhookEvent: event.id, with: payload)
            }
            for event in try await tx.privacy.events(mentioning: email, orAboutCases: cases.map(\.id)) {
                try await tx.privacy.replaceRendering(
                    ofEvent: event.id,
                    object: redaction.redacted(event.object),
                    previous: redaction.redacted(event.previous),
                    mergedAccount: redaction.redacted(event.mergedAccount)
                )
            }
            _ = try await tx.privacy.dropIdempotentResponses(mentioning: [email] + ids)
            for var contact in contacts {
                contact.name = Redaction.marker
                contact.title = contact.title == nil ? nil : Redaction.marker
                contact.email = nil
                contact.phone = nil
                contact.externalID = nil
                contact.erasedAt = now
                contact.updatedAt = now
                try await tx.contacts.update(contact)
            }
            try await tx.audit(actor, "privacy.erasure", "privacy_subject", erasure.subjectHash, at: now)
            return erasure
        }
    }
}
