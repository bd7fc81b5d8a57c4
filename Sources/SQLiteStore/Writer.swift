import Dispatch
import Foundation
import Logging
import Metrics

/// The single writer: one thread owns the write connection and commits queued work in batches, so one fsync
/// serves every write of a batch; each caller is answered only after its batch committed.
final class Writer: @unchecked Sendable {
    // Safe: `connection` is only used on `thread`; everything else is immutable or a `Sendable` queue.
    private struct Job {
        /// Runs on the writer thread and returns how to answer the caller once the batch committed.
        let perform: (Connection) throws -> @Sendable () -> Void
        let fail: @Sendable (any Error) -> Void
        /// Runs alone, outside a transaction (migrations, checkpoints, backups).
        let exclusive: Bool
    }

    private let connection: Connection
    private let queue = JobQueue<Job>()
    private let maxBatch: Int
    private let logger: Logger
    private let batchSize = Recorder(label: "tenure_db_write_batch_size")
    private let batchDuration = Timer(label: "tenure_db_write_batch_duration")

    init(connection: Connection, maxBatch: Int, logger: Logger) throws {
        self.connection = connection
        self.maxBatch = maxBatch
        self.logger = logger
        let thread = Thread { [self] in self.loop() }
        thread.name = "tenure-db-writer"
        thread.start()
    }

    func submit<T: Sendable>(_ body: @escaping @Sendable (Connection) throws -> T) async throws -> T {
        try await enqueue(exclusive: false, body)
    }

    func exclusive<T: Sendable>(_ body: @escaping @Sendable (Connection) throws -> T) async throws -> T {
        try await enqueue(exclusive: true, body)
    }

    func stop() { queue.close() }

    private func enqueue<T: Sendable>(exclusive: Bool, _ body: @escaping @Sendable (Connection) throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            let job = Job(
                perform: { connection in
                    let value = try body(connection)
                    return { continuation.resume(returning: value) }
                },
                fail: { continuation.resume(throwing: $0) },
                exclusive: exclusive
            )
            if !queue.push(job) { continuation.resume(throwing: databaseClosed) }
        }
    }

    private func loop() {
        while let jobs = queue.take(upTo: maxBatch) {
            var batch: [Job] = []
            for job in jobs {
                if job.exclusive {
                    commit(batch)
                    batch = []
                    runAlone(job)
                } else {
                    batch.append(job)
                }
            }
            commit(batch)
        }
    }

    private func runAlone(_ job: Job) {
        do {
            try job.perform(connection)()
        } catch {
            job.fail(error)
        }
    }

    /// One IMMEDIATE transaction for the whole batch, a savepoint per job.
    private func commit(_ batch: [Job]) {
        guard !batch.isEmpty else { return }
        let start = DispatchTime.now().uptimeNanoseconds
        do {
            try connection.run("BEGIN IMMEDIATE")
        } catch {
            logger.error("db.write.begin_failed", metadata: ["db.error": "\(error)"])
            for job in batch { job.fail(error) }
            return
        }
        var succeeded: [(job: Job, answer: @Sendable () -> Void)] = []
        for job in batch {
            do {
                succeeded.append((job, try connection.savepoint { try job.perform(connection) }))
            } catch {
                job.fail(error)
            }
        }
        do {
            try connection.run("COMMIT")
        } catch {
            connection.rollback()
            logger.error("db.write.commit_failed", metadata: ["db.error": "\(error)", "db.batch": "\(batch.count)"])
            for (job, _) in succeeded { job.fail(error) }
            return
        }
        batchSize.record(batch.count)
        batchDuration.recordNanoseconds(Int64(DispatchTime.now().uptimeNanoseconds - start))
        for (_, answer) in succeeded { answer() }
    }
}
