import Foundation

/// Mutual exclusion for async bodies: a waiter suspends (its thread is free meanwhile) and resumes on its own executor,
/// so a body that runs on a database connection's thread keeps running there. Waiters are served in arrival order.
final class AsyncLock: @unchecked Sendable {
    // Safe: `held` and `waiters` are only touched under `lock`.
    private let lock = NSLock()
    private var held = false
    private var waiters: [CheckedContinuation<Void, Never>] = []

    func withLock<T>(_ body: () async throws -> T) async rethrows -> T {
        await acquire()
        defer { release() }
        return try await body()
    }

    private func acquire() async {
        let acquired = lock.withLock {
            guard held else {
                held = true
                return true
            }
            return false
        }
        if acquired { return }
        await withCheckedContinuation { continuation in
            let now = lock.withLock {
                guard held else {
                    held = true
                    return true
                }
                waiters.append(continuation)
                return false
            }
            if now { continuation.resume() }
        }
    }

    /// Hands the lock to the first waiter, if any, or frees it.
    private func release() {
        let next = lock.withLock {
            if waiters.isEmpty { held = false }
            return waiters.isEmpty ? nil : waiters.removeFirst()
        }
        next?.resume()
    }
}
