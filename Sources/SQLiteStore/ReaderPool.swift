import CSQLite
import Foundation
import Metrics

/// Read-only connections, each used on a thread of its own, lent to one read at a time.
final class ReaderPool: Sendable {
    private let idle = AsyncQueue<Reader>()
    private let count: Int
    private let readDuration = Timer(label: "tenure_db_read_duration")

    init(connections: [Connection]) {
        count = connections.count
        for (index, connection) in connections.enumerated() {
            idle.push(Reader(connection: connection, executor: ThreadExecutor(name: "tenure-db-reader-\(index)")))
        }
    }

    /// Runs `body` on the next idle connection, on that connection's thread.
    func run<T: Sendable>(_ body: @escaping @Sendable (Connection) async throws -> T) async throws -> T {
        let start = DispatchTime.now().uptimeNanoseconds
        guard let reader = await idle.take(upTo: 1)?.first else { throw databaseClosed }
        defer {
            idle.push(reader)
            readDuration.recordNanoseconds(Int64(DispatchTime.now().uptimeNanoseconds - start))
        }
        return try await withTaskExecutorPreference(reader.executor) {
            let start = DispatchTime.now().uptimeNanoseconds
            defer { if DispatchTime.now().uptimeNanoseconds - start >= largeReadNanoseconds { tenure_release_free_memory() } }
            return try await body(reader.connection)
        }
    }

    /// Waits for the reads under way, then ends the readers' threads and refuses new reads.
    func stop() async {
        for _ in 0..<count { await idle.take(upTo: 1)?.first?.executor.stop() }
        idle.close()
    }
}

/// A read this long has built large results (a company's whole ledger or pipeline, say), so its thread then hands the
/// freed memory back: glibc keeps it in per-thread arenas, and every reader would otherwise hold on to the peak of the
/// largest read it ever made.
private let largeReadNanoseconds: UInt64 = 50_000_000

/// A read connection and the thread it is used on.
private final class Reader: @unchecked Sendable {
    // Safe: the pool lends a reader to one read at a time, and that read uses the connection only on `executor`.
    let connection: Connection
    let executor: ThreadExecutor

    init(connection: Connection, executor: ThreadExecutor) {
        self.connection = connection
        self.executor = executor
    }
}
