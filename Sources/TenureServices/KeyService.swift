import Crypto
import Foundation
import TenureCore

/// API keys: secrets are shown once and stored as SHA-256 hashes.
public struct KeyService: Sendable {
    let storage: any Storage
    let clock: Clock

    public init(storage: any Storage, clock: Clock) {
        self.storage = storage
        self.clock = clock
    }

    /// Creates a key and returns it with its secret, which is not stored.
    public func create(
        name: String,
        scope: Scope,
        owner: String? = nil,
        area: KeyArea? = nil,
        secret: String = KeyService.newSecret(),
        by actor: Actor = .system
    ) async throws -> (key: APIKey, secret: String) {
        var validator = Validator()
        validator.required(name, "name")
        validator.maxLength(name, "name", 200)
        if name.trimmingWhitespace().isEmpty { validator.add("name", "must not be blank") }
        if secret.count < 16 { validator.add("secret", "must be at least 16 characters") }
        if let owner, owner.trimmingWhitespace().isEmpty { validator.add("owner", "must not be blank") }
        validator.maxLength(owner, "owner", 200)
        if owner != nil || area != nil, scope != .read, scope != .write {
            validator.add("scope", "must be read or write for a key restricted to an owner or an area")
        }
        try validator.check()
        let now = clock.now()
        let key = APIKey(
            id: Identifier.make("key", at: now),
            name: name,
            scope: scope,
            prefix: String(secret.prefix(8)),
            createdAt: now,
            revokedAt: nil,
            owner: owner?.trimmingWhitespace(),
            area: area
        )
        try await storage.write { tx in
            try await tx.apiKeys.insert(key, secretHash: Self.hash(secret))
            try await tx.audit(actor, "api_key.create", "api_key", key.id, at: key.createdAt)
        }
        return (key, secret)
    }

    /// Makes `secret` an admin key when no key exists yet (`TENURE_BOOTSTRAP_ADMIN_KEY`); true when it did.
    public func bootstrapAdmin(secret: String) async throws -> Bool {
        let now = clock.now()
        let key = APIKey(
            id: Identifier.make("key", at: now),
            name: "bootstrap",
            scope: .admin,
            prefix: String(secret.prefix(8)),
            createdAt: now,
            revokedAt: nil
        )
        guard secret.count >= 16 else { throw ValidationError("TENURE_BOOTSTRAP_ADMIN_KEY", "must be at least 16 characters") }
        return try await storage.write { tx in
            try await tx.lock(.apiKeys)
            guard try await tx.apiKeys.count() == 0 else { return false }
            try await tx.apiKeys.insert(key, secretHash: Self.hash(secret))
            try await tx.audit(.system, "api_key.bootstrap", "api_key", key.id, at: now)
            return true
        }
    }

    /// The active key with this secret.
    public func authenticate(secret: String) async throws -> APIKey? {
        let hash = Self.hash(secret)
        let key = try await storage.read { tx in try await tx.apiKeys.find(secretHash: hash) }
        return key?.revokedAt == nil ? key : nil
    }

    public func list() async throws -> [APIKey] {
        try await storage.read { tx in try await tx.apiKeys.list() }
    }

    /// Revokes the active key with this id or name.
    public func revoke(_ idOrName: String, by actor: Actor = .system) async throws {
        let now = clock.now()
        try await storage.write { tx in
            guard try await tx.apiKeys.revoke(idOrName: idOrName, at: now) else { throw ServiceError.notFound(resource: "api_key", id: idOrName) }
            try await tx.audit(actor, "api_key.revoke", "api_key", idOrName, at: now)
        }
    }

    /// Revokes the key `id` when it is active (`POST /v1/keys/{id}/revoke`); the key as it is then, in one transaction.
    public func revoke(id: String, by actor: Actor) async throws -> APIKey {
        let now = clock.now()
        return try await storage.write { tx in
            guard var key = try await tx.apiKeys.list().first(where: { $0.id == id }) else { throw ServiceError.notFound(resource: "key", id: id) }
            guard key.revokedAt == nil else { return key }
            _ = try await tx.apiKeys.revoke(idOrName: id, at: now)
            try await tx.audit(actor, "api_key.revoke", "api_key", id, at: now)
            key.revokedAt = now
            return key
        }
    }

    /// 32 random bytes, hex, behind a recognisable prefix.
    public static func newSecret() -> String {
        var generator = SystemRandomNumberGenerator()
        return "tnr_" + (0..<32).map { _ in UInt8.random(in: 0...255, using: &generator) }.hexString
    }

    static func hash(_ secret: String) -> String {
        SHA256.hash(data: Data(secret.utf8)).hexString
    }
}
