import NIOConcurrencyHelpers

/// A FIFO queue whose takers wait without holding a thread: the writer's jobs, the idle read connections.
final class AsyncQueue<Element: Sendable>: Sendable {
    private struct State {
        var elements: [Element] = []
        var closed = false
        var waiting: [CheckedContinuation<Void, Never>] = []
    }

    private let state = NIOLockedValueBox(State())

    /// Adds an element; false when the queue is closed.
    @discardableResult
    func push(_ element: Element) -> Bool {
        let (accepted, waiting) = state.withLockedValue { state -> (Bool, CheckedContinuation<Void, Never>?) in
            guard !state.closed else { return (false, nil) }
            state.elements.append(element)
            return (true, state.waiting.isEmpty ? nil : state.waiting.removeFirst())
        }
        waiting?.resume()
        return accepted
    }

    /// Waits until there are elements, then takes up to `limit`; nil once closed and drained.
    func take(upTo limit: Int) async -> [Element]? {
        while true {
            let taken: [Element]?? = state.withLockedValue { state in
                guard !state.elements.isEmpty else { return state.closed ? .some(nil) : nil }
                let count = min(limit, state.elements.count)
                defer { state.elements.removeFirst(count) }
                return Array(state.elements.prefix(count))
            }
            if let taken { return taken }
            await withCheckedContinuation { continuation in
                let ready = state.withLockedValue { state in
                    if !state.elements.isEmpty || state.closed { return true }
                    state.waiting.append(continuation)
                    return false
                }
                if ready { continuation.resume() }
            }
        }
    }

    /// Refuses new elements; those already queued are still handed out.
    func close() {
        let waiting = state.withLockedValue { state in
            state.closed = true
            defer { state.waiting = [] }
            return state.waiting
        }
        for continuation in waiting { continuation.resume() }
    }
}
