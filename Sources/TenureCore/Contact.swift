import Foundation

/// A person at an account.
public struct Contact: Sendable, Equatable {
    public var id: String
    public var accountID: String
    public var name: String
    public var email: String?
    public var title: String?
    public var role: ContactRole
    public var relationshipStrength: RelationshipStrength
    public var externalID: String?
    public var createdAt: Date
    public var updatedAt: Date
    /// ≤ 50 characters, as given.
    public var phone: String?
    /// When the person was erased (`PRIVACY.md`): the record stays, its personal fields redacted.
    public var erasedAt: Date?
    /// The contact this one was merged into (`INSIGHTS.md`, "Contact merge"): a tombstone, listed nowhere.
    public var mergedInto: String?

    public init(
        id: String,
        accountID: String,
        name: String,
        email: String?,
        title: String?,
        role: ContactRole,
        relationshipStrength: RelationshipStrength,
        externalID: String?,
        createdAt: Date,
        updatedAt: Date,
        phone: String? = nil,
        erasedAt: Date? = nil,
        mergedInto: String? = nil
    ) {
        self.mergedInto = mergedInto
        self.id = id
        self.accountID = accountID
        self.name = name
        self.email = email
        self.title = title
        self.role = role
        self.relationshipStrength = relationshipStrength
        self.externalID = externalID
        self.createdAt = createdAt
        self.updatedAt = updatedAt
        self.phone = phone
        self.erasedAt = erasedAt
    }
}

/// A contact's role for relationship scoring (`HEALTH.md`).
public enum ContactRole: String, Codable, CaseIterable, Sendable {
    case user, executive, other
}

public enum RelationshipStrength: String, Codable, CaseIterable, Sendable, Comparable {
    case none, weak, medium, strong
    case veryStrong = "very_strong"

    /// `strong` and `very_strong` count as strong relationships.
    public var isStrong: Bool { self >= .strong }

    public static func < (lhs: Self, rhs: Self) -> Bool {
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }
}

/// Two records of one person at one account made one (`INSIGHTS.md`, "Contact merge").
public enum ContactMergeRule {
    /// `target` with every field it lacks taken from `source`, and the stronger relationship of the two; and the
    /// source as a tombstone that points at it, keeping nothing personal (what it had is the target's now, or was a
    /// second copy of what the target has).
    public static func merged(_ target: Contact, _ source: Contact, at now: Date) -> (contact: Contact, tombstone: Contact) {
        var contact = target
        contact.email = target.email ?? source.email
        contact.phone = target.phone ?? source.phone
        contact.title = target.title ?? source.title
        contact.externalID = target.externalID ?? source.externalID
        if contact.name.isEmpty { contact.name = source.name }
        contact.relationshipStrength = max(target.relationshipStrength, source.relationshipStrength)
        contact.updatedAt = now
        var tombstone = source
        tombstone.name = ""
        tombstone.email = nil
        tombstone.phone = nil
        tombstone.title = nil
        tombstone.externalID = nil
        tombstone.mergedInto = target.id
        tombstone.updatedAt = now
        return (contact, tombstone)
    }
}
