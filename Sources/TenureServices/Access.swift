import Foundation
import TenureCore

/// An API key as stored (its secret only as a hash).
public struct APIKey: Sendable, Equatable {
    public var id: String
    public var name: String
    public var scope: Scope
    /// The first characters of the secret, to recognise a key in a list.
    public var prefix: String
    public var createdAt: Date
    public var revokedAt: Date?
    /// `PRIVACY.md`, "Access control": what the key may see beyond its scope.
    public var owner: String?
    public var area: KeyArea?

    public init(
        id: String,
        name: String,
        scope: Scope,
        prefix: String,
        createdAt: Date,
        revokedAt: Date?,
        owner: String? = nil,
        area: KeyArea? = nil
    ) {
        self.id = id
        self.name = name
        self.scope = scope
        self.prefix = prefix
        self.createdAt = createdAt
        self.revokedAt = revokedAt
        self.owner = owner
        self.area = area
    }

    /// The accounts the key may see, when it is restricted to an owner's.
    public var visibility: AccountVisibility? { owner.map(AccountVisibility.init(owner:)) }
}

/// The one part of the API a key may be kept to.
public enum KeyArea: String, CaseIterable, Sendable, Codable {
    /// Cases and the support metrics.
    case support
}

/// The accounts a key restricted to an owner sees: those whose `owner` equals it, trimmed, in any case, and all under
/// them. Set around a request (`current`) so that a reference to another's account in a body is refused as unknown.
public struct AccountVisibility: Sendable, Equatable {
    /// Trimmed, lowercase.
    public let owner: String
    /// As the key gives it (trimmed): what an account the key creates gets.
    public let given: String

    public init(owner: String) {
        self.owner = Self.key(owner)
        given = owner.trimmingWhitespace()
    }

    public func allows(_ account: Account) -> Bool { account.owner.map(Self.key) == owner }

    public func allows(owner other: String?) -> Bool { other.map(Self.key) == owner }

    /// How owners are compared.
    public static func key(_ owner: String) -> String { owner.trimmingWhitespace().lowercased() }

    @TaskLocal public static var current: AccountVisibility?
}

/// Who made a write, for the audit log.
public struct Actor: Sendable {
    public var keyID: String
    public var keyName: String

    public init(keyID: String, keyName: String) {
        self.keyID = keyID
        self.keyName = keyName
    }

    /// Writes made by Tenure itself (command line, daily jobs).
    public static let system = Actor(keyID: "system", keyName: "system")
}

extension Transaction {
    /// Records a write in the audit log, in the same transaction as the write.
    func audit(_ actor: Actor, _ action: String, _ resource: String, _ id: String?, at: Date) async throws {
        try await auditLog.append(AuditEntry(at: at, keyName: actor.keyName, action: action, resource: resource, resourceID: id))
    }

    /// Replaces the settings object `name` and records it as `settings.<name>.update`.
    func replaceSettings<T: Encodable>(_ settings: T, as name: String, by actor: Actor, at now: Date) async throws {
        try await self.settings.store(settings, as: name)
        try await audit(actor, "settings.\(name).update", "settings", name, at: now)
    }
}
