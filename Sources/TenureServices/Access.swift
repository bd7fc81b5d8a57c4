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

    public init(id: String, name: String, scope: Scope, prefix: String, createdAt: Date, revokedAt: Date?) {
        self.id = id
        self.name = name
        self.scope = scope
        self.prefix = prefix
        self.createdAt = createdAt
        self.revokedAt = revokedAt
    }
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
