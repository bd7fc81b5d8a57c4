import Foundation
import Migrations

/// Applies migrations in name order, each in one IMMEDIATE transaction together with its bookkeeping row.
public struct Migrator: Sendable {
    public let plan: MigrationPlan
    public var migrations: [Migration] { plan.migrations }

    public init(migrations: [Migration]) {
        plan = MigrationPlan(migrations)
    }

    /// The migrations still to apply; throws when an applied one changed or is unknown. Reads only, so a read-only
    /// connection may ask.
    public func pending(on connection: Connection) throws -> [Migration] {
        let bookkept = try connection.first("SELECT 1 AS found FROM sqlite_schema WHERE type = 'table' AND name = 'schema_migrations'") != nil
        let applied =
            try !bookkept
            ? []
            : connection.query("SELECT name, checksum FROM schema_migrations").map {
                (name: $0.string("name") ?? "", checksum: $0.string("checksum") ?? "")
            }
        return try plan.pending(applied: applied)
    }

    /// Applies every pending migration and returns their names.
    @discardableResult
    public func migrate(on connection: Connection, now: Date = Date()) throws -> [String] {
        try connection.execute(
            """
            CREATE TABLE IF NOT EXISTS schema_migrations (
                name TEXT PRIMARY KEY, checksum TEXT NOT NULL, applied_at TEXT NOT NULL
            ) STRICT
            """
        )
        let pending = try pending(on: connection)
        for migration in pending {
            try connection.immediateTransaction {
                try connection.execute(migration.sql)
                try connection.query(
                    "INSERT INTO schema_migrations (name, checksum, applied_at) VALUES (?, ?, ?)",
                    [migration.name, migration.checksum, ISO8601DateFormatter().string(from: now)]
                )
            }
        }
        return pending.map(\.name)
    }
}
