import NIOCore

/// A connection's event loop as a task executor: a write transaction's task prefers the loop its connection reads and
/// writes on, so that each statement's answer resumes the task right there instead of waking a thread of the
/// cooperative pool (two thread hops per statement, a couple of dozen statements per write).
final class EventLoopTaskExecutor: TaskExecutor, Sendable {
    let loop: any EventLoop

    init(loop: any EventLoop) { self.loop = loop }

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        let executor = asUnownedTaskExecutor()
        loop.execute { job.runSynchronously(on: executor) }
    }
}
