import Foundation
import Logging
import Migrations
import PostgresNIO
import TenurePersistence
import TenureServices

/// Tenure's storage on a PostgreSQL server, shared by any number of nodes: the `Storage` seam over the same records as
/// SQLite's (`SQLTransaction`), each transaction on a pooled connection of `PostgresTransactions`.
public final class PostgresStorage: Storage {
    public let client: PostgresClient
    let transactions: PostgresTransactions
    let logger: Logger
    let caches = ReadCaches()
    let snapshots = SnapshotMemo()
    /// The client's connection pool runs as long as the storage is open.
    private let running: Task<Void, Never>

    /// Connects with `poolSize` connections at most; with `migrate` applies pending migrations (once across nodes starting
    /// together), otherwise refuses a database with pending migrations. An unreachable server or a refused login throws
    /// `StorageUnavailable` with the server's reason.
    public init(url: DatabaseURL, poolSize: Int, migrate: Bool, logger: Logger) async throws {
        var configuration = url.configuration
        configuration.options.maximumConnections = poolSize
        configuration.options.minimumConnections = 0
        let client = PostgresClient(configuration: configuration, backgroundLogger: logger)
        self.client = client
        self.logger = logger
        transactions = PostgresTransactions(client: client, logger: logger)
        running = Task { await client.run() }
        do {
            let applied = try await transactions.session { connection in
                let migrator = PostgresMigrator.tenure
                if migrate { return try await migrator.migrate(on: connection, logger: logger) }
                let pending = try await migrator.pending(on: connection, logger: logger)
                if !pending.isEmpty { throw MigrationError.pending(pending.map(\.name)) }
                return []
            }
            if !applied.isEmpty { logger.info("db.migrated", metadata: ["db.migrations": "\(applied.joined(separator: ","))"]) }
        } catch {
            await close()
            throw error
        }
    }

    public func read<T: Sendable>(_ body: @escaping @Sendable (any Transaction) async throws -> T) async throws -> T {
        let (caches, snapshots, logger) = (self.caches, self.snapshots, self.logger)
        return try await transactions.read { connection in
            try await body(SQLTransaction(db: PostgresSQLConnection(connection: connection, logger: logger), snapshots: snapshots, caches: caches))
        }
    }

    public func write<T: Sendable>(_ body: @escaping @Sendable (any Transaction) async throws -> T) async throws -> T {
        let (snapshots, logger) = (self.snapshots, self.logger)
        return try await transactions.write { connection in
            try await body(SQLTransaction(db: PostgresSQLConnection(connection: connection, logger: logger), snapshots: snapshots))
        }
    }

    /// True when the server answers and the schema has every migration.
    public func isReady() async -> Bool {
        let logger = self.logger
        let pending = try? await transactions.session { try await PostgresMigrator.tenure.pending(on: $0, logger: logger).count }
        return pending == 0
    }

    public func close() async {
        running.cancel()
        await running.value
    }
}
