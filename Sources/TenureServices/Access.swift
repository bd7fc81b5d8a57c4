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

/// One write made through the API.
public struct AuditEntry: Sendable, Equatable {
    public var at: Date
    public var keyName: String
    public var action: String
    public var resource: String
    public var resourceID: String?

    public init(at: Date, keyName: String, action: String, resource: String, resourceID: String?) {
        self.at = at
        self.keyName = keyName
        self.action = action
        self.resource = resource
        self.resourceID = resourceID
    }
}

/// An `Idempotency-Key` as seen from one API key.
public struct IdempotencyKey: Sendable, Hashable {
    public var apiKeyID: String
    public var key: String

    public init(apiKeyID: String, key: String) {
        self.apiKeyID = apiKeyID
        self.key = key
    }
}

/// A response kept to answer a repeated request.
public struct StoredResponse: Sendable, Equatable {
    public var status: Int
    public var headers: [String: String]
    public var body: [UInt8]

    public init(status: Int, headers: [String: String], body: [UInt8]) {
        self.status = status
        self.headers = headers
        self.body = body
    }
}

/// An earlier request with the same idempotency key: its body hash, and its response once it finished.
public struct StoredIdempotentRequest: Sendable {
    public var requestHash: String
    public var response: StoredResponse?

    public init(requestHash: String, response: StoredResponse?) {
        self.requestHash = requestHash
        self.response = response
    }
}

extension Transaction {
    /// Records a write in the audit log, in the same transaction as the write.
    func audit(_ actor: Actor, _ action: String, _ resource: String, _ id: String?, at: Date) throws {
        try auditLog.append(AuditEntry(at: at, keyName: actor.keyName, action: action, resource: resource, resourceID: id))
    }

    /// Replaces the settings object `name` and records it as `settings.<name>.update`.
    func replaceSettings<T: Encodable>(_ settings: T, as name: String, by actor: Actor, at now: Date) throws {
        try self.settings.store(settings, as: name)
        try audit(actor, "settings.\(name).update", "settings", name, at: now)
    }
}
