import Foundation

/// Runs `first` and `second` at the same time (on two cores when both are free), and returns both results.
func concurrently<A: Sendable, B: Sendable>(_ first: @Sendable () -> A, _ second: @Sendable () -> B) -> (A, B) {
    let results = TwoResults<A, B>()
    DispatchQueue.concurrentPerform(iterations: 2) { part in
        if part == 0 { results.first = first() } else { results.second = second() }
    }
    guard let a = results.first, let b = results.second else { preconditionFailure("concurrentPerform runs every part") }
    return (a, b)
}

/// Safe: each slot is written by one part of `concurrently`, and read once both have finished.
private final class TwoResults<A, B>: @unchecked Sendable {
    var first: A?
    var second: B?
}
