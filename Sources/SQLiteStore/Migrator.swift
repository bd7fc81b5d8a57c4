import Crypto
import Foundation

/// One schema change: a file name (its identity) and its SQL.
public struct Migration: Sendable {
    public let name: String
    public let sql: String

    public init(name: String, sql: String) {
        self.name = name
        self.sql = sql
    }

    /// SHA-256 of the SQL, so an edited migration is recognised.
    public var checksum: String {
        SHA256.hash(data: Data(sql.utf8)).map { String(format: "%02x", $0) }.joined()
    }
}

public enum MigrationError: Error, CustomStringConvertible, Equatable {
    /// An applied migration whose SQL is no longer the one that was applied.
    case changed(String)
    /// An applied migration this binary does not know (the database is newer than the binary).
    case unknown(String)
    /// Migrations still to apply, when applying them was refused.
    case pending([String])

    public var description: String {
        switch self {
        case .changed(let name): "migration \(name) was changed after it was applied; restore its original file"
        case .unknown(let name): "migration \(name) is applied in the database but unknown to this binary; run a newer tenure"
        case .pending(let names): "migrations not applied: \(names.joined(separator: ", ")); run `tenure migrate` or drop --no-migrate"
        }
    }
}

/// Applies migrations in name order, each in one IMMEDIATE transaction together with its bookkeeping row.
public struct Migrator: Sendable {
    public let migrations: [Migration]

    public init(migrations: [Migration]) {
        self.migrations = migrations.sorted { $0.name < $1.name }
    }

    /// The migrations still to apply; throws when an applied one changed or is unknown.
    public func pending(on connection: Connection) throws -> [Migration] {
        try connection.execute(
            """
            CREATE TABLE IF NOT EXISTS schema_migrations (
                name TEXT PRIMARY KEY, checksum TEXT NOT NULL, applied_at TEXT NOT NULL
            ) STRICT
            """
        )
        let applied = try connection.query("SELECT name, checksum FROM schema_migrations ORDER BY name")
        let known = Dictionary(uniqueKeysWithValues: migrations.map { ($0.name, $0) })
        for row in applied {
            let name = row.string("name") ?? ""
            guard let migration = known[name] else { throw MigrationError.unknown(name) }
            guard migration.checksum == row.string("checksum") else { throw MigrationError.changed(name) }
        }
        let appliedNames = Set(applied.compactMap { $0.string("name") })
        return migrations.filter { !appliedNames.contains($0.name) }
    }

    /// Applies every pending migration and returns their names.
    @discardableResult
    public func migrate(on connection: Connection, now: Date = Date()) throws -> [String] {
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
