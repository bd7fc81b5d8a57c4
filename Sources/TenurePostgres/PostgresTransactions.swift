import Dispatch
import Logging
import Metrics
import PostgresNIO
import TenureServices
import _ConnectionPoolModule

/// Transactions on a PostgreSQL server for any number of Tenure nodes: reads see one snapshot (REPEATABLE READ, READ
/// ONLY); writes run at READ COMMITTED, say what they serialize on with transaction-scoped advisory locks, and are run
/// again when the server aborts them for a serialization failure or a deadlock, which another node's write can cause.
public struct PostgresTransactions: Sendable {
    public let client: PostgresClient
    let logger: Logger
    /// How many times a write the server aborted (40001, 40P01) is run, in all.
    let attempts: Int
    /// The same names as SQLite's, so one dashboard serves both: a transaction's time, waiting for a connection included.
    private let readDuration = Timer(label: "tenure_db_read_duration")
    private let writeDuration = Timer(label: "tenure_db_write_duration")
    private let writeRetries = Counter(label: "tenure_db_write_retries")

    public init(client: PostgresClient, logger: Logger, attempts: Int = 5) {
        self.client = client
        self.logger = logger
        self.attempts = attempts
    }

    /// Runs `body` in a read-only transaction that sees one snapshot of the database.
    public func read<T: Sendable>(_ body: @Sendable (PostgresConnection) async throws -> T) async throws -> T {
        let start = DispatchTime.now().uptimeNanoseconds
        defer { readDuration.recordNanoseconds(Int64(DispatchTime.now().uptimeNanoseconds - start)) }
        return try await translatingErrors {
            try await client.withConnection { connection in
                try await transaction("BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY", on: connection, body)
            }
        }
    }

    /// Runs `body` in a write transaction, again from the start when the server aborts it for a serialization failure
    /// or a deadlock (after a short, growing pause); its effects are committed when it returns.
    public func write<T: Sendable>(_ body: @Sendable (PostgresConnection) async throws -> T) async throws -> T {
        let start = DispatchTime.now().uptimeNanoseconds
        defer { writeDuration.recordNanoseconds(Int64(DispatchTime.now().uptimeNanoseconds - start)) }
        return try await translatingErrors {
            var attempt = 1
            while true {
                do {
                    return try await client.withConnection { connection in
                        try await withTaskExecutorPreference(EventLoopTaskExecutor(loop: connection.eventLoop)) {
                            try await transaction("BEGIN", on: connection, body)
                        }
                    }
                } catch let error as PSQLError where attempt < attempts && Self.isRetryable(error) {
                    writeRetries.increment()
                    logger.debug("db.write.retry", metadata: ["db.sqlstate": "\(error.sqlState ?? "")", "db.attempt": "\(attempt)"])
                    try await Task.sleep(for: .milliseconds(5 << attempt))
                    attempt += 1
                }
            }
        }
    }

    /// Runs `body` on a pooled connection outside any transaction (migrations, readiness), with the same errors.
    public func session<T: Sendable>(_ body: @Sendable (PostgresConnection) async throws -> T) async throws -> T {
        try await translatingErrors { try await client.withConnection(body) }
    }

    /// Holds `lock` until the transaction on `connection` ends (`pg_advisory_xact_lock`).
    public static func take(_ lock: WriteLock, on connection: PostgresConnection, logger: Logger) async throws {
        try await connection.run("SELECT pg_advisory_xact_lock(\(lock.advisoryKey))", logger: logger)
    }

    private func transaction<T>(
        _ begin: String,
        on connection: PostgresConnection,
        _ body: (PostgresConnection) async throws -> T
    ) async throws -> T {
        try await Self.transaction(begin, on: connection, logger: logger) { try await body(connection) }
    }

    /// Runs `body` between `begin` and `COMMIT` on `connection`, rolling back when it throws.
    static func transaction<T>(
        _ begin: String = "BEGIN",
        on connection: PostgresConnection,
        logger: Logger,
        _ body: () async throws -> T
    ) async throws -> T {
        try await connection.run(PostgresQuery(unsafeSQL: begin), logger: logger)
        do {
            let result = try await body()
            try await connection.run("COMMIT", logger: logger)
            return result
        } catch {
            try? await connection.run("ROLLBACK", logger: logger)
            throw error
        }
    }

    /// The server's errors stop here, as SQLite's do in `SQLiteStorage`: a unique violation is a conflict (409), a lost
    /// or refused connection, or none to be had from the pool, `StorageUnavailable` (503); any other a `PostgresError`.
    private func translatingErrors<T>(_ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch let error as PSQLError where error.sqlState == "23505" {
            throw ServiceError.conflict("a record with the same unique value already exists")
        } catch let error as PSQLError where Self.isUnavailable(error) {
            throw StorageUnavailable(reason: "\(error.code)\(error.sqlState.map { " \($0)" } ?? "")")
        } catch let error as ConnectionPoolError {
            throw StorageUnavailable(reason: "no connection to PostgreSQL: \(error)")
        } catch let error as PSQLError {
            throw PostgresError(error)
        }
    }

    /// The connection was lost or refused, the server is out of resources or shutting down, or a lock was not granted
    /// within `lock_timeout` (55P03, as SQLite's busy timeout).
    static func isUnavailable(_ error: PSQLError) -> Bool {
        guard error.code == .server else { return true }
        return ["08", "53", "57", "55P03"].contains { error.sqlState?.hasPrefix($0) ?? false }
    }

    /// A serialization failure or a deadlock: the transaction was rolled back whole and may simply run again.
    static func isRetryable(_ error: PSQLError) -> Bool { ["40001", "40P01"].contains(error.sqlState) }
}

extension PSQLError {
    /// The server's SQLSTATE, when the server refused a statement.
    var sqlState: String? { serverInfo?[.sqlState] }
}

extension WriteLock {
    /// The lock's 64-bit advisory key: FNV-1a of a text that names it, the same in every process and on every node.
    package var advisoryKey: Int64 {
        let name =
            switch self {
            case .account(let id): "account:\(id)"
            case .apiKeys: "api-keys"
            case .once(let name): "once:\(name)"
            case .eventLog: "event-log"
            case .unique(let value): "unique:\(value)"
            }
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in name.utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x100_0000_01b3
        }
        return Int64(bitPattern: hash)
    }
}

/// A statement the server refused for another reason than those the API answers: SQLSTATE, the server's message and
/// the SQL, never the bound values (`PSQLError` describes itself as nothing, to keep values out of logs).
public struct PostgresError: Error, CustomStringConvertible, Sendable {
    public let sqlState: String?
    public let message: String
    public let sql: String?

    package init(_ error: PSQLError) {
        sqlState = error.sqlState
        message = error.serverInfo?[.message] ?? "\(error.code)"
        sql = error.query?.sql
    }

    public var description: String { "PostgreSQL \(sqlState ?? "-"): \(message)" + (sql.map { " in: \($0)" } ?? "") }
}

extension PostgresConnection {
    /// Runs a statement and reads its result to the end: an error the server sends while the statement executes (a lock
    /// wait timing out, a deadlock) comes after the row description, so a result left unread would hide it, and the
    /// next statement would meet an aborted transaction instead.
    func run(_ query: PostgresQuery, logger: Logger) async throws {
        for try await _ in try await self.query(query, logger: logger) {}
    }
}
