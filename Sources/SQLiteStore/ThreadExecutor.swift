import Foundation

/// One thread of its own that runs, in order, the jobs of the tasks that prefer it: a connection's async work stays
/// off the callers' (cooperative) threads, and each connection keeps the thread it is used on.
final class ThreadExecutor: TaskExecutor, Sendable {
    private let jobs = JobQueue<UnownedJob>()

    /// Starts the thread.
    init(name: String) {
        let thread = Thread { [jobs, self] in
            let executor = self.asUnownedTaskExecutor()
            while let taken = jobs.take(upTo: .max) {
                for job in taken { job.runSynchronously(on: executor) }
            }
        }
        thread.name = name
        thread.start()
    }

    func enqueue(_ job: consuming ExecutorJob) {
        // A job enqueued after `stop` has nowhere to run; none is, as the owner stops only after its last task ended.
        _ = jobs.push(UnownedJob(job))
    }

    /// Ends the thread once the jobs already queued have run.
    func stop() { jobs.close() }
}
