import Foundation
import TenureCore

/// A contact with its derived `last_contacted_at`.
public struct ContactView: Sendable {
    public var contact: Contact
    public var lastContactedAt: Date?
}

/// The fields a client sends for a contact; checked by `ContactService`.
public struct ContactInput: Sendable {
    public var accountID: String?
    public var name: String?
    public var email: String?
    public var title: String?
    public var role: String?
    public var relationshipStrength: String?
    public var externalID: String?
    public var phone: String?

    public init(
        accountID: String?,
        name: String?,
        email: String?,
        title: String?,
        role: String?,
        relationshipStrength: String?,
        externalID: String?,
        phone: String? = nil
    ) {
        self.accountID = accountID
        self.name = name
        self.email = email
        self.title = title
        self.role = role
        self.relationshipStrength = relationshipStrength
        self.externalID = externalID
        self.phone = phone
    }
}

/// Decoded from a request body as the API's decoder presents its keys (`account_id` as `accountId`).
extension ContactInput: Decodable {
    enum CodingKeys: String, CodingKey {
        case accountID = "accountId"
        case name
        case email
        case title
        case role
        case relationshipStrength
        case externalID = "externalId"
        case phone
    }
}

public struct ContactChanges: Sendable {
    public var name: FieldUpdate<String> = .keep
    public var email: FieldUpdate<String> = .keep
    public var title: FieldUpdate<String> = .keep
    public var role: FieldUpdate<String> = .keep
    public var relationshipStrength: FieldUpdate<String> = .keep
    public var externalID: FieldUpdate<String> = .keep
    public var phone: FieldUpdate<String> = .keep

    public init() {}
}

/// Decoded from a request body as the API's decoder presents its keys (`account_id` as `accountId`).
extension ContactChanges: Decodable {
    enum CodingKeys: String, CodingKey {
        case name
        case email
        case title
        case role
        case relationshipStrength
        case externalID = "externalId"
        case phone
    }
}

public struct ContactService: Sendable {
    let storage: any Storage
    let clock: Clock

    public init(storage: any Storage, clock: Clock) {
        self.storage = storage
        self.clock = clock
    }

    /// Creates a contact; its role defaults from the title, and its email must be new at the account.
    public func create(_ input: ContactInput, by actor: Actor) async throws -> ContactView {
        let now = clock.now()
        let contact = try validated(input, at: now)
        try await storage.write { tx in
            try await insert(contact, in: tx)
            try await tx.audit(actor, "contact.create", "contact", contact.id, at: now)
        }
        return ContactView(contact: contact, lastContactedAt: nil)
    }

    /// A new contact from `input`: its role defaults from the title.
    func validated(_ input: ContactInput, at now: Date) throws -> Contact {
        var validator = Validator()
        validator.required(input.accountID, "account_id")
        validator.required(input.name, "name")
        let email = normalizedEmail(input.email, &validator)
        let role = ContactRole.parse(input.role, "role", &validator) ?? ContactRole.derived(fromTitle: input.title)
        let strength = RelationshipStrength.parse(input.relationshipStrength, "relationship_strength", &validator) ?? RelationshipStrength.none
        checkLengths(name: input.name, title: input.title, externalID: input.externalID, phone: input.phone, &validator)
        try validator.check()
        return Contact(
            id: Identifier.make("con", at: now),
            accountID: input.accountID ?? "",
            name: (input.name ?? "").trimmingWhitespace(),
            email: email,
            title: input.title,
            role: role,
            relationshipStrength: strength,
            externalID: input.externalID,
            createdAt: now,
            updatedAt: now,
            phone: input.phone
        )
    }

    /// Stores a new contact at a live account; its email must be new there.
    func insert(_ contact: Contact, in tx: any Transaction) async throws {
        try await requireLiveAccount(contact.accountID, in: tx)
        try await checkEmailIsFree(contact, in: tx)
        try await tx.contacts.insert(contact)
    }

    public func get(_ id: String, asOf: Date) async throws -> ContactView {
        try await storage.read { tx in
            guard let contact = try await tx.contacts.find(id: id) else { throw ServiceError.notFound(resource: "contact", id: id) }
            return ContactView(contact: contact, lastContactedAt: try await tx.contacts.lastContacted([id], asOf: asOf)[id])
        }
    }

    public func list(_ filter: ContactFilter, page: PageRequest, asOf: Date) async throws -> Page<ContactView> {
        try await storage.read { tx in
            let contacts = try await tx.contacts.list(filter, page)
            let lastContacted = try await tx.contacts.lastContacted(contacts.items.map(\.id), asOf: asOf)
            return contacts.map { ContactView(contact: $0, lastContactedAt: lastContacted[$0.id]) }
        }
    }

    /// Changes the given fields; a new title re-derives the role unless a role is given or was set explicitly before.
    public func update(_ id: String, _ changes: ContactChanges, by actor: Actor) async throws -> ContactView {
        let now = clock.now()
        return try await storage.write { tx in
            let contact = try await update(id, changes, at: now, in: tx)
            try await tx.audit(actor, "contact.update", "contact", id, at: now)
            return ContactView(contact: contact, lastContactedAt: try await tx.contacts.lastContacted([id], asOf: now)[id])
        }
    }

    /// Applies `changes` to the stored contact `id`; a new title re-derives a derived role.
    func update(_ id: String, _ changes: ContactChanges, at now: Date, in tx: any Transaction) async throws -> Contact {
        guard var contact = try await tx.contacts.find(id: id) else { throw ServiceError.notFound(resource: "contact", id: id) }
        if contact.erasedAt != nil { throw ServiceError.conflict("contact \(id) was erased") }
        if let into = contact.mergedInto { throw ServiceError.conflict("contact \(id) was merged into \(into)", existingID: into) }
        var validator = Validator()
        if case .clear = changes.name { validator.add("name", "must not be null") }
        contact.name = (changes.name.applied(to: contact.name) ?? contact.name).trimmingWhitespace()
        if contact.name.isEmpty { validator.add("name", "must not be blank") }
        if !changes.email.isKept { contact.email = normalizedEmail(changes.email.applied(to: nil), &validator) }
        let roleWasDerived = contact.role == ContactRole.derived(fromTitle: contact.title)
        contact.title = changes.title.applied(to: contact.title)
        switch changes.role {
        case .set(let role): contact.role = ContactRole.parse(role, "role", &validator) ?? contact.role
        case .clear: contact.role = ContactRole.derived(fromTitle: contact.title)
        case .keep: if roleWasDerived { contact.role = ContactRole.derived(fromTitle: contact.title) }
        }
        switch changes.relationshipStrength {
        case .set(let strength): contact.relationshipStrength = RelationshipStrength.parse(strength, "relationship_strength", &validator) ?? .none
        case .clear: contact.relationshipStrength = .none
        case .keep: break
        }
        contact.externalID = changes.externalID.applied(to: contact.externalID)
        contact.phone = changes.phone.applied(to: contact.phone)
        checkLengths(name: contact.name, title: contact.title, externalID: contact.externalID, phone: contact.phone, &validator)
        try validator.check()
        try await checkEmailIsFree(contact, in: tx)
        contact.updatedAt = now
        try await tx.contacts.update(contact)
        return contact
    }

    private func normalizedEmail(_ email: String?, _ validator: inout Validator) -> String? {
        guard let email else { return nil }
        guard let normalized = EmailAddress.normalize(email) else {
            validator.add("email", "must be an email address")
            return nil
        }
        return normalized
    }

    private func checkLengths(name: String?, title: String?, externalID: String?, phone: String?, _ validator: inout Validator) {
        validator.maxLength(name, "name", 500)
        validator.maxLength(title, "title", 500)
        validator.maxLength(externalID, "external_id", 255)
        validator.maxLength(phone, "phone", 50)
    }

    private func checkEmailIsFree(_ contact: Contact, in tx: any Transaction) async throws {
        if let email = contact.email { try await tx.lock(.unique("contact.email:\(contact.accountID):\(email)")) }
        guard let email = contact.email, let existing = try await tx.contacts.find(accountID: contact.accountID, email: email),
            existing.id != contact.id
        else { return }
        throw ServiceError.conflict("a contact with email \(email) already exists at this account", existingID: existing.id)
    }
}

/// A referenced account must exist and not be merged away (422: the id is in the body, not the path).
/// A key kept to an owner's accounts knows no other (`AccountVisibility`).
func requireLiveAccount(_ id: String, field: String = "account_id", in tx: any Transaction) async throws {
    guard let account = try await tx.accounts.find(id: id), AccountVisibility.current?.allows(account) ?? true else {
        throw ValidationError(field, "no account has this id")
    }
    if let target = account.mergedInto { throw ValidationError(field, "account was merged into \(target)") }
}
