import CSQLite
import Foundation
import Metrics

/// Read-only connections, each owned by its own thread, taking read jobs from one shared queue.
final class ReaderPool: Sendable {
    private typealias Job = @Sendable (Connection) -> Void
    private let queue = JobQueue<Job>()
    private let readDuration = Timer(label: "tenure_db_read_duration")

    init(connections: [Connection]) throws {
        for (index, connection) in connections.enumerated() {
            let owner = ConnectionOwner(connection: connection)
            let thread = Thread { [queue] in
                while let jobs = queue.take(upTo: 1) {
                    let start = DispatchTime.now().uptimeNanoseconds
                    for job in jobs { job(owner.connection) }
                    if DispatchTime.now().uptimeNanoseconds - start >= largeReadNanoseconds { tenure_release_free_memory() }
                }
            }
            thread.name = "tenure-db-reader-\(index)"
            thread.start()
        }
    }

    func run<T: Sendable>(_ body: @escaping @Sendable (Connection) throws -> T) async throws -> T {
        let start = DispatchTime.now().uptimeNanoseconds
        defer { readDuration.recordNanoseconds(Int64(DispatchTime.now().uptimeNanoseconds - start)) }
        return try await withCheckedThrowingContinuation { continuation in
            let accepted = queue.push { connection in
                continuation.resume(with: Result { try body(connection) })
            }
            if !accepted { continuation.resume(throwing: databaseClosed) }
        }
    }

    func stop() { queue.close() }
}

/// A read this long has built large results (a company's whole ledger or pipeline, say), so its thread then hands the
/// freed memory back: glibc keeps it in per-thread arenas, and every reader would otherwise hold on to the peak of the
/// largest read it ever made.
private let largeReadNanoseconds: UInt64 = 50_000_000

/// Hands a connection to the one thread that uses it.
private final class ConnectionOwner: @unchecked Sendable {
    // Safe: after `init` the connection is only used by the single reader thread it was handed to.
    let connection: Connection
    init(connection: Connection) { self.connection = connection }
}
