import Foundation
import Logging
import Metrics
import NIOConcurrencyHelpers

/// The SQLite database of one process: a single writer that commits queued writes in batches (group commit)
/// and a pool of read-only connections. Every SQLite call runs on the database's own threads, never on the caller's (cooperative) ones.
public final class Database: Sendable {
    public let path: String
    private let writer: Writer
    private let readers: ReaderPool

    /// Opens the database (creating the file when missing) with one writer and `readers` read connections.
    public init(path: String, durability: Durability = .full, readers: Int = 4, maxBatch: Int = 512, logger: Logger) throws {
        self.path = path
        self.writer = try Writer(connection: Connection(path: path, durability: durability), maxBatch: maxBatch, logger: logger)
        self.readers = try ReaderPool(connections: (0..<max(1, readers)).map { _ in try Connection(path: path, readOnly: true) })
    }

    /// Runs `body` in a read transaction on a pooled read-only connection; it sees one consistent snapshot.
    public func read<T: Sendable>(_ body: @escaping @Sendable (Connection) async throws -> T) async throws -> T {
        try await readers.run { connection in
            try connection.execute("BEGIN")
            defer { try? connection.execute("COMMIT") }
            return try await body(connection)
        }
    }

    /// Runs `body` in the writer's next batch and returns once that batch is committed (or has failed).
    /// A throwing `body` has its own changes undone and fails alone; the others in its batch are unaffected.
    public func write<T: Sendable>(_ body: @escaping @Sendable (Connection) async throws -> T) async throws -> T {
        try await writer.submit(body)
    }

    /// Runs `body` alone on the writer connection, outside any transaction (migrations, backup, checkpoints).
    public func withWriterConnection<T: Sendable>(_ body: @escaping @Sendable (Connection) throws -> T) async throws -> T {
        try await writer.exclusive(body)
    }

    /// Finishes queued writes, checkpoints the WAL into the main file and stops the threads.
    public func close() async {
        _ = try? await writer.exclusive { connection in try connection.execute("PRAGMA wal_checkpoint(TRUNCATE)") }
        writer.stop()
        await readers.stop()
    }
}
