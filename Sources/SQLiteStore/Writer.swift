import Dispatch
import Logging
import Metrics

/// The single writer: one task, on a thread of its own, owns the write connection and commits queued work in batches, so
/// one fsync serves every write of a batch; each caller is answered only after its batch committed.
final class Writer: @unchecked Sendable {
    // Safe: `connection` is only used by the writer task (`run`); everything else is immutable or `Sendable`.
    private struct Job: Sendable {
        /// Runs in the writer task and returns how to answer the caller once the batch committed.
        let perform: @Sendable (Connection) async throws -> @Sendable () -> Void
        let fail: @Sendable (any Error) -> Void
        /// Runs alone, outside a transaction (migrations, checkpoints, backups).
        let exclusive: Bool
    }

    private let connection: Connection
    private let queue = AsyncQueue<Job>()
    private let executor = ThreadExecutor(name: "tenure-db-writer")
    private let maxBatch: Int
    private let logger: Logger
    private let batchSize = Recorder(label: "tenure_db_write_batch_size")
    private let batchDuration = Timer(label: "tenure_db_write_batch_duration")

    init(connection: Connection, maxBatch: Int, logger: Logger) {
        self.connection = connection
        self.maxBatch = maxBatch
        self.logger = logger
        Task(executorPreference: executor) { await self.run() }
    }

    func submit<T: Sendable>(_ body: @escaping @Sendable (Connection) async throws -> T) async throws -> T {
        try await enqueue(exclusive: false, body)
    }

    func exclusive<T: Sendable>(_ body: @escaping @Sendable (Connection) throws -> T) async throws -> T {
        try await enqueue(exclusive: true, body)
    }

    func stop() { queue.close() }

    private func enqueue<T: Sendable>(
        exclusive: Bool,
        _ body: @escaping @Sendable (Connection) async throws -> T
    ) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            let job = Job(
                perform: { connection in
                    let value = try await body(connection)
                    return { continuation.resume(returning: value) }
                },
                fail: { continuation.resume(throwing: $0) },
                exclusive: exclusive
            )
            if !queue.push(job) { continuation.resume(throwing: databaseClosed) }
        }
    }

    private func run() async {
        while let jobs = await queue.take(upTo: maxBatch) {
            var batch: [Job] = []
            for job in jobs {
                if job.exclusive {
                    await commit(batch)
                    batch = []
                    await runAlone(job)
                } else {
                    batch.append(job)
                }
            }
            await commit(batch)
        }
        executor.stop()
    }

    private func runAlone(_ job: Job) async {
        do {
            try await job.perform(connection)()
        } catch {
            job.fail(error)
        }
    }

    /// One IMMEDIATE transaction for the whole batch, a savepoint per job.
    private func commit(_ batch: [Job]) async {
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
                succeeded.append((job, try await connection.savepoint { try await job.perform(connection) }))
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
