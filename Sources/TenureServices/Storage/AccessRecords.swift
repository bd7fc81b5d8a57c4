import Foundation
import TenureCore

public protocol APIKeyRecords {
    func insert(_ key: APIKey, secretHash: String) throws
    func find(secretHash: String) throws -> APIKey?
    func list() throws -> [APIKey]
    /// Revokes the key with this id or name; false when none is active.
    func revoke(idOrName: String, at: Date) throws -> Bool
    func count() throws -> Int
}

public protocol AuditRecords {
    func append(_ entry: AuditEntry) throws
    /// Newest first.
    func list(_ page: PageRequest) throws -> Page<AuditEntry>
}

public protocol IdempotencyRecords {
    /// Claims `key` for a request; returns the earlier claim instead when there is one.
    func claim(_ key: IdempotencyKey, requestHash: String, at: Date) throws -> StoredIdempotentRequest?
    func complete(_ key: IdempotencyKey, response: StoredResponse) throws
    func release(_ key: IdempotencyKey) throws
    func purge(before: Date) throws
}
