import NIOConcurrencyHelpers

/// A blocking FIFO queue feeding a thread.
final class JobQueue<Job>: @unchecked Sendable {
    // Safe: `jobs` and `closed` are only read or written while holding `condition`.
    private let condition = ConditionLock(value: 0)
    private var jobs: [Job] = []
    private var closed = false

    /// Adds a job; false when the queue is closed.
    func push(_ job: Job) -> Bool {
        condition.lock()
        guard !closed else {
            condition.unlock()
            return false
        }
        jobs.append(job)
        condition.unlock(withValue: 1)
        return true
    }

    /// Blocks until there is work, then takes up to `limit` jobs; nil once closed and drained.
    func take(upTo limit: Int) -> [Job]? {
        condition.lock(whenValue: 1)
        if jobs.isEmpty {
            condition.unlock(withValue: 1)
            return nil
        }
        let count = min(limit, jobs.count)
        let taken = Array(jobs.prefix(count))
        jobs.removeFirst(count)
        condition.unlock(withValue: jobs.isEmpty && !closed ? 0 : 1)
        return taken
    }

    /// Refuses new jobs; the jobs already queued are still handed out.
    func close() {
        condition.lock()
        closed = true
        condition.unlock(withValue: 1)
    }
}

/// A closed database refuses new work with this error.
let databaseClosed = SQLiteError(code: 21, message: "the database is closed")
