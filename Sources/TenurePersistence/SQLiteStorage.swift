import Foundation
import Logging
import Migrations
import SQLiteStore
import TenureCore
import TenureMigrations
import TenureServices

/// Tenure's storage on one SQLite file: the `Storage` seam implemented over `SQLiteStore.Database`.
public final class SQLiteStorage: MigratedStorage {
    public let database: Database
    let migrator = SQLiteStorage.migrator
    let caches = ReadCaches()
    let snapshots = SnapshotMemo()
    let writerSnapshots = WriterSnapshotLists()

    /// Every migration this binary knows, in order.
    public static let migrator = Migrator(migrations: TenureMigrations.all.map { Migration(name: $0.name, sql: $0.sql) })

    /// The migrations this open applied, in order.
    public let applied: [String]

    /// Opens the database; with `migrate` applies pending migrations, otherwise refuses to open an out-of-date schema.
    public init(path: String, durability: Durability, migrate: Bool, logger: Logger) async throws {
        database = try Database(path: path, durability: durability, logger: logger)
        let migrator = SQLiteStorage.migrator
        do {
            applied = try await database.withWriterConnection { connection in
                if migrate { return try migrator.migrate(on: connection) }
                let pending = try migrator.pending(on: connection)
                if !pending.isEmpty { throw MigrationError.pending(pending.map(\.name)) }
                return []
            }
            if !applied.isEmpty { logger.info("db.migrated", metadata: ["db.migrations": "\(applied.joined(separator: ","))"]) }
        } catch {
            await database.close()
            throw error
        }
    }

    public func read<T: Sendable>(_ body: @escaping @Sendable (any Transaction) async throws -> T) async throws -> T {
        if let pinned = OneSnapshot.pinned { return try await body(pinned.transaction) }
        let (caches, snapshots) = (self.caches, self.snapshots)
        return try await translatingErrors {
            try await database.read { try await body(SQLTransaction(db: $0, snapshots: snapshots, caches: caches)) }
        }
    }

    public func write<T: Sendable>(_ body: @escaping @Sendable (any Transaction) async throws -> T) async throws -> T {
        let (snapshots, written, source, visibility) = (self.snapshots, self.writerSnapshots, EventSource.current, AccountVisibility.current)
        return try await translatingErrors {
            try await database.write {
                try await SQLTransaction(db: $0, snapshots: snapshots, writerSnapshots: written, source: source).writing(body, visibility: visibility)
            }
        }
    }

    /// One process serves a SQLite file: nothing else can be running `body`.
    public func exclusively<T: Sendable>(_ name: String, _ body: @Sendable () async throws -> T) async throws -> T { try await body() }

    public func isReady() async -> Bool {
        let migrator = self.migrator
        let pending = try? await database.read { connection in try migrator.pending(on: connection).count }
        return pending == 0
    }

    public func close() async { await database.close() }

    /// SQLite's errors stop here: storage failures become `StorageUnavailable` (503), a unique violation a conflict (409).
    private func translatingErrors<T>(_ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch let error as SQLiteError where error.isStorageFailure {
            throw StorageUnavailable(reason: error.description)
        } catch let error as SQLiteError where error.isUniqueViolation {
            throw ServiceError.conflict("a record with the same unique value already exists")
        }
    }
}

extension Connection: SQLConnection {
    package var dialect: SQLDialect { .sqlite }

    /// SQLite runs one write at a time (one writer connection, `BEGIN IMMEDIATE`): every write already holds every lock.
    package func lock(_ lock: WriteLock) {}

    package func nested<T>(_ body: () async throws -> T) async throws -> T { try await savepoint(body) }
}

/// A storage that says which migrations opening it applied (`tenure migrate` prints them).
public protocol MigratedStorage: Storage {
    var applied: [String] { get }
}
