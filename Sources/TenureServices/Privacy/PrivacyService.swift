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
    public var leads: [LeadView]
    public var auditLog: [AuditEntry]

    /// How many records it lists.
    public var count: Int {
        contacts.count + consents.count + activities.count + surveys.count + cases.count + webhookEvents.count + leads.count + auditLog.count
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
    public var leads = 0
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
            let found = try await PersonalRecords(ids, email, after: .start, in: tx)
            let consents = try await tx.consents.of(ConsentPerson(contactIDs: ids, emails: [email]))
            var byEmail = LeadFilter()
            byEmail.email = email
            let leads = try await tx.leads.all(byEmail).map(\.lead)
            let listed = ids + consents.map(\.id) + found.ids + leads.map(\.id)
            let lastContacted = try await tx.contacts.lastContacted(ids, asOf: now)
            return SubjectData(
                email: email,
                subjectHash: try await secrets.subjectHash(of: email, in: tx),
                contacts: contacts.map { ContactView(contact: $0, lastContactedAt: lastContacted[$0.id]) },
                consents: consents,
                activities: found.activities,
                surveys: found.surveys,
                cases: found.cases,
                targets: try await HealthBook.targets(in: tx),
                webhookEvents: found.webhookEvents,
                leads: try await LeadBook.views(leads, asOf: now, in: tx),
                auditLog: try await tx.privacy.auditEntries(about: listed)
            )
        }
    }

    /// Takes the person out of every record that holds them, and keeps every figure as it was: the contacts stay
    /// (redacted, `erased_at` set) with their roles and links, free text and payloads lose what names them, the consents
    /// lose their email, kept idempotent responses that hold them are dropped. Every subject line and payload is read for
    /// the email first, in a read transaction; the one write then reads only what came since, so other writes go on.
    public func erase(_ email: String, by actor: Actor) async throws -> Erasure {
        let now = clock.now()
        let scanned = try await storage.read { tx in try await PersonalRecords(mentioning: email, in: tx) }
        return try await storage.write { tx in
            try await tx.lock(.unique("privacy.subject:\(email)"))
            let contacts = try await tx.contacts.find(email: email)
            let ids = contacts.map(\.id)
            let found = try await PersonalRecords(ids, email, after: scanned.marks, in: tx).adding(scanned)
            var byEmail = LeadFilter()
            byEmail.email = email
            let leads = try await tx.leads.all(byEmail).map(\.lead)
            let texts = found.activities.compactMap(\.subject) + found.surveys.compactMap(\.comment) + found.cases.map(\.subject)
            let names = contacts.map(\.name) + leads.map(\.name)
            let redaction = Redaction(email: email, equalTo: names + contacts.compactMap(\.phone) + texts)

            var erasure = Erasure(subjectHash: try await secrets.subjectHash(of: email, in: tx), erasedAt: now)
            erasure.contacts = contacts.count
            erasure.consents = try await tx.privacy.eraseConsents(ofContacts: ids, email: email, detail: Redaction.marker)
            erasure.activities = found.activities.count
            erasure.surveys = found.surveys.count
            erasure.cases = found.cases.count
            erasure.webhookEvents = found.webhookEvents.count
            erasure.leads = leads.count
            var followUps: [EventSubject] = []
            for lead in leads {
                var filter = TaskFilter()
                filter.leadID = lead.id
                followUps += try await tx.tasks.list(filter, PageRequest(limit: 500)).items.map { EventSubject(.task, $0.id) }
            }
            _ = try await tx.privacy.eraseLeads(email: email, marker: Redaction.marker, at: now)
            try await tx.privacy.redactText(
                activities: found.activities.map(\.id),
                surveys: found.surveys.map(\.id),
                cases: found.cases.map(\.id),
                with: Redaction.marker
            )
            for event in found.webhookEvents {
                guard let payload = redaction.redacted(payload: event.payload) else { continue }
                try await tx.privacy.replacePayload(ofWebhookEvent: event.id, with: payload)
            }
            let accounts = Set(contacts.map(\.accountID) + found.accountIDs).sorted()
            let subjects = found.cases.map { EventSubject(.case, $0.id) } + leads.map { EventSubject(.lead, $0.id) } + followUps
            for event in try await tx.privacy.events(ofAccounts: accounts, mentioning: email, orAbout: subjects) {
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

/// The activities, surveys, cases and stored deliveries that hold a person: linked to their contacts (read through an
/// index), or mentioning their email after the marks (every row after them read).
struct PersonalRecords: Sendable {
    /// Where a scan ended: the newest row of each table it read.
    struct Marks: Sendable {
        var activities: Int64 = 0
        var surveys: Int64 = 0
        var cases: Int64 = 0
        var webhookEvents: Int64 = 0

        static let start = Marks()
    }

    var activities: [Activity] = []
    var surveys: [Survey] = []
    var cases: [SupportCase] = []
    var webhookEvents: [WebhookEvent] = []
    var marks = Marks()

    var ids: [String] { activities.map(\.id) + surveys.map(\.id) + cases.map(\.id) + webhookEvents.map(\.id) }
    var accountIDs: [String] { activities.map(\.accountID) + surveys.map(\.accountID) + cases.map(\.accountID) }

    /// Every row mentioning `email`, with where the scan ended.
    init(mentioning email: String, in tx: any Transaction) async throws {
        marks = Marks(
            activities: try await tx.privacy.lastSequence(of: .activities),
            surveys: try await tx.privacy.lastSequence(of: .surveys),
            cases: try await tx.privacy.lastSequence(of: .cases),
            webhookEvents: try await tx.privacy.lastSequence(of: .webhookEvents)
        )
        activities = try await tx.privacy.activities(mentioning: email, after: 0)
        surveys = try await tx.privacy.surveys(mentioning: email, after: 0)
        cases = try await tx.privacy.cases(mentioning: email, after: 0)
        webhookEvents = try await tx.privacy.webhookEvents(mentioning: email, after: 0)
    }

    /// The rows linked to `contactIDs`, and those mentioning `email` after `marks`.
    init(_ contactIDs: [String], _ email: String, after marks: Marks, in tx: any Transaction) async throws {
        activities = try await tx.privacy.activities(linkedTo: contactIDs) + tx.privacy.activities(mentioning: email, after: marks.activities)
        surveys = try await tx.privacy.surveys(linkedTo: contactIDs) + tx.privacy.surveys(mentioning: email, after: marks.surveys)
        cases = try await tx.privacy.cases(linkedTo: contactIDs) + tx.privacy.cases(mentioning: email, after: marks.cases)
        webhookEvents = try await tx.privacy.webhookEvents(mentioning: email, after: marks.webhookEvents)
        self = deduplicated()
    }

    /// These and `other`'s, each record once, oldest first.
    func adding(_ other: PersonalRecords) -> PersonalRecords {
        var both = self
        both.activities += other.activities
        both.surveys += other.surveys
        both.cases += other.cases
        both.webhookEvents += other.webhookEvents
        return both.deduplicated()
    }

    private func deduplicated() -> PersonalRecords {
        func once<T>(_ items: [T], id: (T) -> String, at: (T) -> Date) -> [T] {
            var seen: Set<String> = []
            return items.filter { seen.insert(id($0)).inserted }.sorted { (at($0), id($0)) < (at($1), id($1)) }
        }
        var unique = self
        unique.activities = once(activities, id: \.id, at: \.createdAt)
        unique.surveys = once(surveys, id: \.id, at: \.createdAt)
        unique.cases = once(cases, id: \.id, at: \.createdAt)
        unique.webhookEvents = once(webhookEvents, id: \.id, at: \.receivedAt)
        return unique
    }
}
