import Foundation
import Logging
import Migrations
import PostgresNIO
import TenurePostgresMigrations

/// Applies PostgreSQL migrations in name order, each in one transaction with its bookkeeping row, while holding a
/// session advisory lock: nodes starting together migrate once, the others wait for the lock and then find nothing to do.
public struct PostgresMigrator: Sendable {
    public let plan: MigrationPlan
    /// The advisory lock key every Tenure node takes to migrate (the bytes of "tenure-m").
    static let lockKey: Int64 = 0x7465_6E75_7265_2D6D

    public init(migrations: [Migration]) { plan = MigrationPlan(migrations) }

    /// The migrations still to apply; throws when an applied one changed or is unknown.
    public func pending(on connection: PostgresConnection, logger: Logger) async throws -> [Migration] {
        try await connection.run(
            "CREATE TABLE IF NOT EXISTS schema_migrations (name TEXT COLLATE \"C\" PRIMARY KEY, checksum TEXT NOT NULL, applied_at TEXT NOT NULL)",
            logger: logger
        )
        var applied: [(name: String, checksum: String)] = []
        for try await (name, checksum) in try await connection.query("SELECT name, checksum FROM schema_migrations", logger: logger)
            .decode((String, String).self)
        {
            applied.append((name, checksum))
        }
        return try plan.pending(applied: applied)
    }

    /// Applies every pending migration under the migration lock and returns their names.
    @discardableResult
    public func migrate(on connection: PostgresConnection, logger: Logger, now: Date = Date()) async throws -> [String] {
        try await connection.run("SELECT pg_advisory_lock(\(Self.lockKey))", logger: logger)
        do {
            let applied = try await applyPending(on: connection, logger: logger, now: now)
            try await connection.run("SELECT pg_advisory_unlock(\(Self.lockKey))", logger: logger)
            return applied
        } catch {
            try? await connection.run("SELECT pg_advisory_unlock(\(Self.lockKey))", logger: logger)
            throw error
        }
    }

    private func applyPending(on connection: PostgresConnection, logger: Logger, now: Date) async throws -> [String] {
        let pending = try await pending(on: connection, logger: logger)
        for migration in pending {
            let (name, checksum, at) = (migration.name, migration.checksum, ISO8601DateFormatter().string(from: now))
            try await PostgresTransactions.transaction(on: connection, logger: logger) {
                try await Self.runScript(migration.sql, on: connection, logger: logger)
                try await connection.run(
                    "INSERT INTO schema_migrations (name, checksum, applied_at) VALUES (\(name), \(checksum), \(at))",
                    logger: logger
                )
            }
        }
        return pending.map(\.name)
    }
}

extension PostgresMigrator {
    /// Runs SQL text of several statements: the extended protocol takes one statement, so the text runs as a DO block's
    /// EXECUTE, quoted with dollar tags it does not contain.
    static func runScript(_ sql: String, on connection: PostgresConnection, logger: Logger) async throws {
        var tag = "tenure"
        while sql.contains("$\(tag)") { tag += "_" }
        let block = "DO $\(tag)_do$ BEGIN EXECUTE $\(tag)_sql$\(sql)$\(tag)_sql$; END $\(tag)_do$"
        try await connection.run(PostgresQuery(unsafeSQL: block), logger: logger)
    }

    /// Every PostgreSQL migration this binary knows, in order.
    public static let tenure = PostgresMigrator(
        migrations: TenurePostgresMigrations.all.map { Migration(name: $0.name, sql: $0.sql) }
    )
}
