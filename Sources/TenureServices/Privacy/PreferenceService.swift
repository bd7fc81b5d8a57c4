import Foundation
import TenureCore

/// A change a person makes in their preference center.
public struct PreferenceChange: Sendable, Decodable {
    public var channel: String?
    public var purpose: String?
    public var status: String?

    public init(channel: String?, purpose: String?, status: String?) {
        self.channel = channel
        self.purpose = purpose
        self.status = status
    }
}

/// What a preference center shows: whether each channel may be used for each purpose now.
public struct Preferences: Sendable {
    public var contactID: String
    public var pairs: [(channel: ConsentChannel, purpose: ConsentPurpose, allowed: Bool)]
}

/// The keyless side of consent (`PRIVACY.md`, "Unsubscribe and preferences"): signed links, RFC 8058 one-click
/// unsubscribe and the preference center. What it records is audited as the key `public`.
public struct PreferenceService: Sendable {
    let storage: any Storage
    let clock: Clock
    let secrets: PrivacySecrets

    public static let actor = Actor(keyID: "public", keyName: "public")

    public init(storage: any Storage, clock: Clock, secrets: PrivacySecrets) {
        self.storage = storage
        self.clock = clock
        self.secrets = secrets
    }

    /// The token of the contact's unsubscribe link for `purpose` (`all`: its preference center).
    public func token(contactID: String, purpose: ConsentPurpose) async throws -> String {
        try await storage.read { tx in
            guard try await tx.contacts.find(id: contactID) != nil else { throw ServiceError.notFound(resource: "contact", id: contactID) }
            return UnsubscribeToken(contactID: contactID, purpose: purpose).signed(with: try await secrets.unsubscribeKeys(in: tx)[0])
        }
    }

    /// The contact a token names; 404 for a token that does not verify or names no contact.
    public func contact(of token: String) async throws -> Contact {
        try await storage.read { tx in try await verified(token, in: tx).contact }
    }

    /// Withdraws the token's purpose on email, now; nothing when the contact's latest record of that purpose already
    /// withdraws, or the contact was erased.
    public func unsubscribe(_ token: String) async throws {
        let now = clock.now()
        try await storage.write { tx in
            let (token, contact) = try await verified(token, in: tx)
            guard contact.erasedAt == nil else { return }
            let records = try await tx.consents.of(ConsentService.person(of: contact))
            let latest = records.filter { $0.purpose == token.purpose }.max { ($0.occurredAt, $0.recordedAt) < ($1.occurredAt, $1.recordedAt) }
            guard latest?.status != .withdrawn else { return }
            let withdrawal = Consent(
                id: Identifier.make("cns", at: now),
                contactID: contact.id,
                email: contact.email,
                channel: .email,
                purpose: token.purpose,
                status: .withdrawn,
                source: ConsentSource(kind: .unsubscribeLink),
                occurredAt: now,
                recordedAt: now
            )
            try await tx.consents.insert(withdrawal)
            try await tx.audit(Self.actor, "consent.create", "consent", withdrawal.id, at: now)
        }
    }

    /// The preference center of a token for `all`.
    public func preferences(_ token: String) async throws -> Preferences {
        let now = clock.now()
        return try await storage.read { tx in
            let contact = try await center(token, in: tx)
            return Self.preferences(of: contact, records: try await tx.consents.of(ConsentService.person(of: contact)), at: now)
        }
    }

    /// Records each change (kind `preference_center`, now), all or none; answers the center as it is then.
    public func change(_ token: String, _ changes: [PreferenceChange]?) async throws -> Preferences {
        let now = clock.now()
        var validator = Validator()
        validator.required(changes, "changes")
        let checked = (changes ?? []).enumerated().compactMap { index, change -> (ConsentChannel, ConsentPurpose, ConsentStatus)? in
            let field = "changes[\(index)]"
            validator.required(change.channel, "\(field).channel")
            validator.required(change.purpose, "\(field).purpose")
            validator.required(change.status, "\(field).status")
            let channel = ConsentChannel.parse(change.channel, "\(field).channel", &validator)
            let purpose = ConsentPurpose.parse(change.purpose, "\(field).purpose", &validator)
            let status = ConsentStatus.parse(change.status, "\(field).status", &validator)
            if purpose == .all, status == .granted { validator.add("\(field).purpose", "all is only for a withdrawal") }
            guard let channel, let purpose, let status else { return nil }
            return (channel, purpose, status)
        }
        try validator.check()
        return try await storage.write { tx in
            let contact = try await center(token, in: tx)
            if contact.erasedAt != nil { throw ServiceError.conflict("contact \(contact.id) was erased") }
            for (channel, purpose, status) in checked {
                let consent = Consent(
                    id: Identifier.make("cns", at: now),
                    contactID: contact.id,
                    email: contact.email,
                    channel: channel,
                    purpose: purpose,
                    status: status,
                    source: ConsentSource(kind: .preferenceCenter),
                    occurredAt: now,
                    recordedAt: now
                )
                try await tx.consents.insert(consent)
                try await tx.audit(Self.actor, "consent.create", "consent", consent.id, at: now)
            }
            return Self.preferences(of: contact, records: try await tx.consents.of(ConsentService.person(of: contact)), at: now)
        }
    }

    private func verified(_ text: String, in tx: any Transaction) async throws -> (token: UnsubscribeToken, contact: Contact) {
        guard let token = UnsubscribeToken.verified(text, secrets: try await secrets.unsubscribeKeys(in: tx)),
            let contact = try await tx.contacts.find(id: token.contactID)
        else { throw InvalidToken() }
        return (token, contact)
    }

    /// The contact of a preference-center token: one for `all`.
    private func center(_ text: String, in tx: any Transaction) async throws -> Contact {
        let (token, contact) = try await verified(text, in: tx)
        guard token.purpose == .all else { throw InvalidToken() }
        return contact
    }

    /// Every channel for every purpose a grant can name: 20 pairs.
    static func preferences(of contact: Contact, records: [Consent], at now: Date) -> Preferences {
        let pairs = ConsentChannel.allCases.flatMap { channel in
            ConsentPurpose.specific.map { purpose in
                (channel, purpose, Contactability(of: records, channel: channel, purpose: purpose, at: now).allowed)
            }
        }
        return Preferences(contactID: contact.id, pairs: pairs)
    }
}
