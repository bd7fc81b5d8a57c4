import Foundation
import SQLiteStore
import TenureCore
import TenureServices

struct SQLAPIKeyRecords: APIKeyRecords {
    let db: any SQLConnection

    func insert(_ key: APIKey, secretHash: String) async throws {
        try await db.query(
            "INSERT INTO api_keys (id, name, scope, secret_hash, prefix, created_at, revoked_at, owner, area) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                key.id, key.name, key.scope.rawValue, secretHash, key.prefix, key.createdAt.stored, key.revokedAt?.stored, key.owner,
                key.area?.rawValue,
            ]
        )
    }

    func find(secretHash: String) async throws -> APIKey? {
        try await db.first("SELECT * FROM api_keys WHERE secret_hash = ?", [secretHash], decode)
    }

    func list() async throws -> [APIKey] {
        try await db.map("SELECT * FROM api_keys ORDER BY seq", decode)
    }

    func revoke(idOrName: String, at: Date) async throws -> Bool {
        let revoked = try await db.query(
            "UPDATE api_keys SET revoked_at = ? WHERE (id = ? OR name = ?) AND revoked_at IS NULL RETURNING id",
            [at.stored, idOrName, idOrName]
        )
        return !revoked.isEmpty
    }

    func count() async throws -> Int {
        try await db.first("SELECT count(*) AS n FROM api_keys")?.int("n") ?? 0
    }

    private func decode(_ row: Row) -> APIKey {
        APIKey(
            id: row.string("id") ?? "",
            name: row.string("name") ?? "",
            scope: row.string("scope").flatMap(Scope.init(rawValue:)) ?? .read,
            prefix: row.string("prefix") ?? "",
            createdAt: row.date("created_at") ?? .distantPast,
            revokedAt: row.date("revoked_at"),
            owner: row.string("owner"),
            area: row.string("area").flatMap(KeyArea.init(rawValue:))
        )
    }
}

struct SQLAuditRecords: AuditRecords {
    let db: any SQLConnection

    func append(_ entry: AuditEntry) async throws {
        try await db.query(
            "INSERT INTO audit_log (at, key_name, action, resource, resource_id) VALUES (?, ?, ?, ?, ?)",
            [entry.at.stored, entry.keyName, entry.action, entry.resource, entry.resourceID]
        )
    }

    func list(_ request: PageRequest) async throws -> Page<AuditEntry> {
        let rows = try await db.query(
            "SELECT * FROM audit_log WHERE seq < ? ORDER BY seq DESC LIMIT ?",
            [request.after?.seq ?? Int64.max, request.limit + 1]
        )
        let next = rows.count > request.limit ? rows[request.limit - 1].int("seq").map { PageCursor(seq: Int64($0)) } : nil
        return Page(items: rows.prefix(request.limit).map(Self.decode), next: next)
    }

    static func decode(_ row: Row) -> AuditEntry {
        AuditEntry(
            at: row.date("at") ?? .distantPast,
            keyName: row.string("key_name") ?? "",
            action: row.string("action") ?? "",
            resource: row.string("resource") ?? "",
            resourceID: row.string("resource_id")
        )
    }
}

struct SQLAccessLogRecords: AccessLogRecords {
    let db: any SQLConnection

    func append(_ entry: AccessEntry) async throws {
        try await db.query(
            "INSERT INTO access_log (at, key_name, action, resource, resource_id, count) VALUES (?, ?, ?, ?, ?, ?)",
            [entry.at.stored, entry.keyName, entry.action, entry.resource, entry.resourceID, entry.count]
        )
    }

    func list(_ filter: AccessLogFilter, _ request: PageRequest) async throws -> Page<AccessEntry> {
        var conditions = Conditions()
        conditions.add("key_name = ?", ifPresent: filter.keyName)
        conditions.add("action = ?", ifPresent: filter.action)
        conditions.add("resource_id = ?", ifPresent: filter.resourceID)
        conditions.add("seq < ?", request.after?.seq ?? Int64.max)
        let rows = try await db.query(
            "SELECT * FROM access_log \(conditions.sql) ORDER BY seq DESC LIMIT ?",
            conditions.parameters + [request.limit + 1]
        )
        let items = rows.prefix(request.limit).map { row in
            AccessEntry(
                at: row.date("at") ?? .distantPast,
                keyName: row.string("key_name") ?? "",
                action: row.string("action") ?? "",
                resource: row.string("resource") ?? "",
                resourceID: row.string("resource_id"),
                count: row.int("count") ?? 0
            )
        }
        let next = rows.count > request.limit ? rows[request.limit - 1].int("seq").map { PageCursor(seq: Int64($0)) } : nil
        return Page(items: items, next: next)
    }
}

struct SQLIdempotencyRecords: IdempotencyRecords {
    let db: any SQLConnection

    func claim(_ key: IdempotencyKey, requestHash: String, at: Date) async throws -> StoredIdempotentRequest? {
        // Claim first: of two requests with the same key, exactly one inserts, whatever the backend's isolation.
        let claimed = try await db.first(
            """
            INSERT INTO idempotency_keys (key_id, idempotency_key, request_hash, created_at) VALUES (?, ?, ?, ?)
            ON CONFLICT (key_id, idempotency_key) DO NOTHING RETURNING 1 AS claimed
            """,
            [key.apiKeyID, key.key, requestHash, at.stored]
        )
        guard claimed == nil,
            let row = try await db.first(
                "SELECT request_hash, response_status, response_headers, response_body FROM idempotency_keys WHERE key_id = ? AND idempotency_key = ?",
                [key.apiKeyID, key.key]
            )
        else { return nil }
        let response = row.int("response_status").map { status in
            StoredResponse(
                status: status,
                headers: (try? JSONDecoder().decode([String: String].self, from: Data((row.string("response_headers") ?? "{}").utf8))) ?? [:],
                body: row.blob("response_body") ?? []
            )
        }
        return StoredIdempotentRequest(requestHash: row.string("request_hash") ?? "", response: response)
    }

    func complete(_ key: IdempotencyKey, response: StoredResponse) async throws {
        let headers = String(decoding: (try? JSONEncoder().encode(response.headers)) ?? Data("{}".utf8), as: UTF8.self)
        try await db.query(
            "UPDATE idempotency_keys SET response_status = ?, response_headers = ?, response_body = ? WHERE key_id = ? AND idempotency_key = ?",
            [response.status, headers, response.body, key.apiKeyID, key.key]
        )
    }

    func release(_ key: IdempotencyKey) async throws {
        try await db.query("DELETE FROM idempotency_keys WHERE key_id = ? AND idempotency_key = ?", [key.apiKeyID, key.key])
    }

    func purge(before: Date) async throws {
        try await db.query("DELETE FROM idempotency_keys WHERE created_at < ?", [before.stored])
    }
}
