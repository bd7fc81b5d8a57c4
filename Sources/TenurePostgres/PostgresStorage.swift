import Foundation
import Logging
import Migrations
import PostgresNIO
import TenurePersistence
import TenureServices

/// Tenure's storage on a PostgreSQL server, shared by any number of nodes: the `Storage` seam over the same records as
/// SQLite's (`SQLTransaction`), each transaction on a pooled connection of `PostgresTransactions`.
public final class PostgresStorage: MigratedStorage {
    public let client: PostgresClient
    let url: DatabaseURL
    let transactions: PostgresTransactions
    let logger: Logger
    let caches = ReadCaches()
    let snapshots = SnapshotMemo()
    /// The client's connection pool runs as long as the storage is open.
    private let running: Task<Void, Never>

    /// The migrations this open applied, in order.
    public let applied: [String]

    /// Checks the server on one connection of its own, where an unreachable server or a refused login fails at once
    /// with its reason (`StorageUnavailable`) rather than after the pool's retries; with `migrate` applies pending
    /// migrations there (once across nodes starting together), otherwise refuses a database with pending migrations.
    /// Then serves from a pool of at most `poolSize` connections.
    public init(url: DatabaseURL, poolSize: Int, migrate: Bool, logger: Logger) async throws {
        var configuration = url.configuration
        configuration.options.maximumConnections = poolSize
        configuration.options.minimumConnections = 0
        configuration.options.additionalStartupParameters = Self.sessionSettings
        let client = PostgresClient(configuration: configuration, backgroundLogger: logger)
        self.client = client
        self.url = url
        self.logger = logger
        transactions = PostgresTransactions(client: client, logger: logger)
        // Started first, so that the pool runs by the time the checks below let anything lease from it.
        let running = Task { await client.run() }
        self.running = running
        do {
            applied = try await Self.onConnection(url, logger: logger) { connection in
                let migrator = PostgresMigrator.tenure
                if migrate { return try await migrator.migrate(on: connection, logger: logger) }
                let pending = try await migrator.pending(on: connection, logger: logger)
                if !pending.isEmpty { throw MigrationError.pending(pending.map(\.name)) }
                return []
            }
        } catch {
            running.cancel()
            await running.value
            throw error
        }
        if !applied.isEmpty { logger.info("db.migrated", metadata: ["db.migrations": "\(applied.joined(separator: ","))"]) }
    }

    /// Every session's: a name in `pg_stat_activity`, and a bound on how long a statement waits for a lock, so that a
    /// stuck process holding a table gets 503 and Retry-After, as SQLite's 5 s busy timeout does, rather than requests
    /// that hang. Longer than SQLite's: writers of one account queue on its advisory lock (at most the pools' size of
    /// them), and on a loaded machine that queue may take seconds.
    static let sessionSettings = [("application_name", "tenure"), ("lock_timeout", "15s")]

    /// Runs `body` on a connection of its own, closed afterwards.
    private static func onConnection<T>(
        _ url: DatabaseURL,
        logger: Logger,
        _ body: (PostgresConnection) async throws -> T
    ) async throws -> T {
        var configuration = try url.connectionConfiguration()
        configuration.options.additionalStartupParameters = sessionSettings
        let connection: PostgresConnection
        do {
            connection = try await PostgresConnection.connect(configuration: configuration, id: 0, logger: logger)
        } catch let error as PSQLError {
            if let message = error.serverInfo?[.message] { throw StorageUnavailable(reason: "PostgreSQL refused the connection: \(message)") }
            throw StorageUnavailable(
                reason: "cannot connect to PostgreSQL at \(url.host):\(url.port): \(error.underlying.map { "\($0)" } ?? "\(error.code)")"
            )
        }
        do {
            let result = try await body(connection)
            try? await connection.close()
            return result
        } catch let error as PSQLError {
            try? await connection.close()
            throw PostgresError(error)
        } catch {
            try? await connection.close()
            throw error
        }
    }

    public func read<T: Sendable>(_ body: @escaping @Sendable (any Transaction) async throws -> T) async throws -> T {
        if let pinned = OneSnapshot.pinned { return try await body(pinned.transaction) }
        let (caches, snapshots, logger) = (self.caches, self.snapshots, self.logger)
        return try await transactions.read { connection in
            try await body(SQLTransaction(db: PostgresSQLConnection(connection: connection, logger: logger), snapshots: snapshots, caches: caches))
        }
    }

    public func write<T: Sendable>(_ body: @escaping @Sendable (any Transaction) async throws -> T) async throws -> T {
        let (snapshots, logger, source, visibility) = (self.snapshots, self.logger, EventSource.current, AccountVisibility.current)
        return try await transactions.write { connection in
            try await SQLTransaction(db: PostgresSQLConnection(connection: connection, logger: logger), snapshots: snapshots, source: source).writing(
                body,
                visibility: visibility
            )
        }
    }

    /// Holds the session advisory lock of `name` on a connection of its own (outside the pool, whose connections `body`
    /// uses) while `body` runs; a node that asks while another holds it waits. The lock ends with the connection, so a
    /// node killed mid-run frees it.
    public func exclusively<T: Sendable>(_ name: String, _ body: @Sendable () async throws -> T) async throws -> T {
        let key = WriteLock.once(name).advisoryKey
        return try await Self.onConnection(url, logger: logger) { connection in
            try await connection.run("SELECT pg_advisory_lock(\(key))", logger: logger)
            return try await body()
        }
    }

    /// True when a pooled connection answers within 2 s and the schema has every migration. While the server is
    /// unreachable the pool makes requests wait for it (and, after a minute, fails them at once): the probe does not.
    public func isReady() async -> Bool {
        let (transactions, logger) = (self.transactions, self.logger)
        let pending = try? await withDeadline(.seconds(2)) {
            try await transactions.session { try await PostgresMigrator.tenure.pending(on: $0, logger: logger).count }
        }
        return pending == 0
    }

    public func close() async {
        running.cancel()
        await running.value
    }
}

/// `body`'s result, or nil when it has not finished within `limit` (it is then cancelled).
func withDeadline<T: Sendable>(_ limit: Duration, _ body: @escaping @Sendable () async throws -> T) async throws -> T? {
    try await withThrowingTaskGroup(of: T?.self) { group in
        group.addTask { try await body() }
        group.addTask {
            try await Task.sleep(for: limit)
            return nil
        }
        defer { group.cancelAll() }
        return try await group.next() ?? nil
    }
}
