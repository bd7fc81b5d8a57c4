import Foundation
import TenureCore

public protocol APIKeyRecords {
    func insert(_ key: APIKey, secretHash: String) async throws
    func find(secretHash: String) async throws -> APIKey?
    func list() async throws -> [APIKey]
    /// Revokes the key with this id or name; false when none is active.
    func revoke(idOrName: String, at: Date) async throws -> Bool
    func count() async throws -> Int
}

public protocol AuditRecords {
    func append(_ entry: AuditEntry) async throws
    /// Newest first.
    func list(_ page: PageRequest) async throws -> Page<AuditEntry>
}

public protocol IdempotencyRecords {
    /// Claims `key` for a request; returns the earlier claim instead when there is one.
    func claim(_ key: IdempotencyKey, requestHash: String, at: Date) async throws -> StoredIdempotentRequest?
    func complete(_ key: IdempotencyKey, response: StoredResponse) async throws
    func release(_ key: IdempotencyKey) async throws
    func purge(before: Date) async throws
}
