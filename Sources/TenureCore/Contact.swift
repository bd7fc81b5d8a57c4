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
        erasedAt: Date? = nil
    ) {
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
