import Foundation

/// A company we sell to. `domain` is stored normalized; a merged account stays as a tombstone (`mergedInto`).
public struct Account: Sendable, Equatable {
    public var id: String
    public var name: String
    public var domain: String?
    public var segment: Segment?
    public var industry: String?
    public var employeeCount: Int?
    public var owner: String?
    public var externalID: String?
    public var stripeCustomerID: String?
    public var mergedInto: String?
    public var createdAt: Date
    public var updatedAt: Date
    /// The `occurred_at` of the latest CRM event applied to the fields; older events leave them alone.
    public var crmSyncedAt: Date?
    /// Derived with the revenue ledger: the earliest Closed Won, the earliest verified payment, max of both.
    public var wonAt: Date?
    public var paidAt: Date?
    public var convertedAt: Date?

    public init(
        id: String,
        name: String,
        domain: String? = nil,
        segment: Segment? = nil,
        industry: String? = nil,
        employeeCount: Int? = nil,
        owner: String? = nil,
        externalID: String? = nil,
        stripeCustomerID: String? = nil,
        mergedInto: String? = nil,
        createdAt: Date,
        updatedAt: Date,
        crmSyncedAt: Date? = nil
    ) {
        self.crmSyncedAt = crmSyncedAt
        self.id = id
        self.name = name
        self.domain = domain
        self.segment = segment
        self.industry = industry
        self.employeeCount = employeeCount
        self.owner = owner
        self.externalID = externalID
        self.stripeCustomerID = stripeCustomerID
        self.mergedInto = mergedInto
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }
}

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
        updatedAt: Date
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
    }
}

/// A logged touch with an account.
public struct Activity: Sendable, Equatable {
    public var id: String
    public var accountID: String
    public var type: ActivityType
    public var occurredAt: Date
    public var contactID: String?
    public var opportunityID: String?
    public var direction: ActivityDirection?
    public var subject: String?
    public var createdAt: Date

    public init(
        id: String,
        accountID: String,
        type: ActivityType,
        occurredAt: Date,
        contactID: String?,
        opportunityID: String?,
        direction: ActivityDirection?,
        subject: String?,
        createdAt: Date
    ) {
        self.id = id
        self.accountID = accountID
        self.type = type
        self.occurredAt = occurredAt
        self.contactID = contactID
        self.opportunityID = opportunityID
        self.direction = direction
        self.subject = subject
        self.createdAt = createdAt
    }
}

/// A change to one field of a PATCH: left alone, cleared with `null`, or set.
public enum FieldUpdate<Value: Sendable>: Sendable {
    case keep
    case clear
    case set(Value)

    /// The field's value after the update.
    public func applied(to current: Value?) -> Value? {
        switch self {
        case .keep: current
        case .clear: nil
        case .set(let value): value
        }
    }

    public var isKept: Bool {
        if case .keep = self { return true }
        return false
    }

    public func map<T>(_ transform: (Value) -> T?) -> FieldUpdate<T> {
        switch self {
        case .keep: .keep
        case .clear: .clear
        case .set(let value): transform(value).map { .set($0) } ?? .clear
        }
    }
}

/// Opaque, server-generated identifiers: a type prefix and 20 base-32 characters, the first 9 the milliseconds since
/// 1970 and the other 11 random (55 bits). Ids made later sort later, so each new row's id lands at the end of its
/// table's unique index instead of on a random page of it, which a write would otherwise copy to the WAL whole.
public enum Identifier {
    private static let alphabet = Array("0123456789abcdefghjkmnpqrstvwxyz".utf8)

    public static func make(_ prefix: String, at instant: Date = Date()) -> String {
        let milliseconds = UInt64(max(0, instant.timeIntervalSince1970 * 1000))
        var generator = SystemRandomNumberGenerator()
        let random: UInt64 = generator.next()
        var text = Array(prefix.utf8)
        text.reserveCapacity(text.count + 21)
        text.append(UInt8(ascii: "_"))
        for index in 0..<9 { text.append(alphabet[Int(milliseconds >> (5 * UInt64(8 - index)) & 31)]) }
        for index in 0..<11 { text.append(alphabet[Int(random >> (5 * UInt64(index)) & 31)]) }
        return String(decoding: text, as: UTF8.self)
    }
}
