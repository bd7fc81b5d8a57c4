import Foundation
import TenureCore

/// A consent record as a client sends it; checked by `ConsentService`.
public struct ConsentInput: Sendable, Decodable {
    public struct Source: Sendable, Decodable {
        public var kind: String?
        public var detail: String?
        public var campaign: String?

        public init(kind: String?, detail: String? = nil, campaign: String? = nil) {
            self.kind = kind
            self.detail = detail
            self.campaign = campaign
        }
    }

    public var contactID: String?
    public var email: String?
    public var channel: String?
    public var purpose: String?
    public var status: String?
    public var source: Source?
    public var occurredAt: String?

    public init(
        contactID: String?,
        email: String?,
        channel: String?,
        purpose: String?,
        status: String?,
        source: Source?,
        occurredAt: String? = nil
    ) {
        self.contactID = contactID
        self.email = email
        self.channel = channel
        self.purpose = purpose
        self.status = status
        self.source = source
        self.occurredAt = occurredAt
    }

    /// The API's decoder presents `contact_id` as `contactId`.
    enum CodingKeys: String, CodingKey {
        case contactID = "contactId"
        case email, channel, purpose, status, source, occurredAt
    }
}

/// Who a question about consent is about: a contact, or an email.
public enum ConsentSubject: Sendable {
    case contact(String)
    case email(String)
}

/// The answer of `contactability`: the person asked about and the state of their consent.
public struct ContactabilityView: Sendable {
    public var contactID: String?
    public var email: String?
    public var channel: ConsentChannel
    public var purpose: ConsentPurpose
    public var asOf: Date
    public var state: Contactability
}

/// Consent records (`PRIVACY.md`, "Consent"): append-only, the state they give at any instant, and the contacts made
/// in spite of a withdrawal.
public struct ConsentService: Sendable {
    let storage: any Storage
    let clock: Clock

    public init(storage: any Storage, clock: Clock) {
        self.storage = storage
        self.clock = clock
    }

    public func record(_ input: ConsentInput, by actor: Actor) async throws -> Consent {
        let now = clock.now()
        let checked = try Self.validated(input, now: now)
        return try await storage.write { tx in
            let consent = try await Self.resolvePerson(of: checked, in: tx)
            try await tx.consents.insert(consent)
            try await tx.audit(actor, "consent.create", "consent", consent.id, at: now)
            return consent
        }
    }

    public func get(_ id: String) async throws -> Consent {
        try await storage.read { tx in
            guard let consent = try await tx.consents.find(id: id) else { throw ServiceError.notFound(resource: "consent", id: id) }
            return consent
        }
    }

    /// `contact_id` and `email` each narrow the list to that person's records (one person, one email). `visibleTo`: the
    /// accounts a restricted key sees; it sees the records of their contacts only.
    public func list(
        contactID: String?,
        email: String?,
        _ filter: ConsentFilter,
        page: PageRequest,
        visibleTo accounts: Set<String>? = nil
    )
        async throws -> Page<Consent>
    {
        try await storage.read { tx in
            var filter = filter
            if let contactID {
                guard let contact = try await tx.contacts.find(id: contactID) else { return Page(items: [], next: nil) }
                filter.people.append(Self.person(of: contact))
            }
            if let email { filter.people.append(try await Self.person(ofEmail: email, in: tx)) }
            let page = try await tx.consents.list(filter, page)
            guard let accounts else { return page }
            let contacts = try await tx.contacts.find(ids: Array(Set(page.items.compactMap(\.contactID))))
            let visible = Set(contacts.filter { accounts.contains($0.accountID) }.map(\.id))
            return page.filtered { $0.contactID.map(visible.contains) ?? false }
        }
    }

    /// Whether the subject may be contacted on `channel` for `purpose` at `asOf`, and the record that decides.
    public func contactability(
        _ subject: ConsentSubject,
        channel: ConsentChannel,
        purpose: ConsentPurpose,
        asOf: Date
    ) async throws
        -> ContactabilityView
    {
        try await storage.read { tx in
            let (contactID, email, person): (String?, String?, ConsentPerson)
            switch subject {
            case .contact(let id):
                guard let contact = try await tx.contacts.find(id: id) else { throw ServiceError.notFound(resource: "contact", id: id) }
                (contactID, email, person) = (contact.id, contact.email, Self.person(of: contact))
            case .email(let address):
                let found = try await Self.person(ofEmail: address, in: tx)
                (contactID, email, person) = (found.contactIDs.first, address, found)
            }
            let state = Contactability(of: try await tx.consents.of(person), channel: channel, purpose: purpose, at: asOf)
            return ContactabilityView(contactID: contactID, email: email, channel: channel, purpose: purpose, asOf: asOf, state: state)
        }
    }

    /// Outbound emails, SMS and calls made more than 24 hours after the withdrawal that decides against them, oldest
    /// first; a page may hold fewer than its limit (its cursor still moves on).
    public func violations(_ filter: ActivityFilter, page: PageRequest) async throws -> Page<ConsentViolation> {
        try await storage.read { tx in
            let activities = try await tx.activities.contacting(filter, page)
            let contacts = try await tx.contacts.find(ids: Array(Set(activities.items.compactMap(\.contactID))))
            let people = Dictionary(uniqueKeysWithValues: contacts.map { ($0.id, Self.person(of: $0)) })
            let all = ConsentPerson(contactIDs: contacts.map(\.id), emails: contacts.compactMap(\.email))
            let records = try await tx.consents.of(all)
            let found = activities.items.compactMap { activity -> ConsentViolation? in
                guard let person = activity.contactID.flatMap({ people[$0] }) else { return nil }
                return ConsentViolation.of(activity, records: records.filter(person.holds))
            }
            return Page(items: found, next: activities.next)
        }
    }

    // MARK: - Rules

    static func validated(_ input: ConsentInput, now: Date) throws -> Consent {
        var validator = Validator()
        if input.contactID == nil, input.email == nil { validator.add("contact_id", "contact_id or email is required") }
        var email: String?
        if let text = input.email {
            email = EmailAddress.normalize(text)
            if email == nil { validator.add("email", "must be an email address") }
        }
        validator.required(input.channel, "channel")
        validator.required(input.purpose, "purpose")
        validator.required(input.status, "status")
        let channel = ConsentChannel.parse(input.channel, "channel", &validator)
        let purpose = ConsentPurpose.parse(input.purpose, "purpose", &validator)
        let status = ConsentStatus.parse(input.status, "status", &validator)
        if purpose == .all, status == .granted { validator.add("purpose", "all is only for a withdrawal") }
        validator.required(input.source, "source")
        if let source = input.source { validator.required(source.kind, "source.kind") }
        let kind = ConsentSourceKind.parse(input.source?.kind, "source.kind", &validator)
        validator.maxLength(input.source?.detail, "source.detail", 500)
        validator.maxLength(input.source?.campaign, "source.campaign", 200)
        let occurredAt = pastInstant(input.occurredAt, "occurred_at", now: now, validator: &validator) ?? now
        try validator.check()
        return Consent(
            id: Identifier.make("cns", at: now),
            contactID: input.contactID,
            email: email,
            channel: channel ?? .email,
            purpose: purpose ?? .all,
            status: status ?? .withdrawn,
            source: ConsentSource(kind: kind ?? .other, detail: input.source?.detail, campaign: input.source?.campaign),
            occurredAt: occurredAt,
            recordedAt: now
        )
    }

    /// A contact's record takes the contact's email; a given email must be it. An erased contact takes no more.
    static func resolvePerson(of consent: Consent, in tx: any Transaction) async throws -> Consent {
        guard let contactID = consent.contactID else { return consent }
        guard let contact = try await tx.contacts.find(id: contactID) else { throw ValidationError("contact_id", "no contact has this id") }
        if let visibility = AccountVisibility.current, let account = try await tx.accounts.find(id: contact.accountID), !visibility.allows(account) {
            throw ValidationError("contact_id", "no contact has this id")
        }
        if contact.erasedAt != nil { throw ServiceError.conflict("contact \(contactID) was erased") }
        if let email = consent.email, email != contact.email { throw ValidationError("email", "must be the contact's email") }
        var resolved = consent
        resolved.email = contact.email
        return resolved
    }

    static func person(of contact: Contact) -> ConsentPerson {
        ConsentPerson(contactIDs: [contact.id], emails: contact.email.map { [$0] } ?? [])
    }

    /// An email and the contacts that have it.
    static func person(ofEmail email: String, in tx: any Transaction) async throws -> ConsentPerson {
        ConsentPerson(contactIDs: try await tx.contacts.find(email: email).map(\.id), emails: [email])
    }
}

extension ConsentPerson {
    /// Whether `consent` is one of this person's records.
    func holds(_ consent: Consent) -> Bool {
        consent.contactID.map(contactIDs.contains) == true || consent.email.map(emails.contains) == true
    }
}
