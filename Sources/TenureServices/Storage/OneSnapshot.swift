/// One read transaction shared by every read a task makes while it holds it: a CSV export pages through a list with
/// the same calls as the JSON API, and every page must come from one snapshot. Backends run a `read` in the pinned
/// transaction when there is one.
public enum OneSnapshot {
    /// The transaction, boxed: transactions are not `Sendable`, and this one is only used by the task that pinned it
    /// (and never by two of its child tasks at once: the pages are read one after the other).
    public struct Pinned: @unchecked Sendable {
        public let transaction: any Transaction
    }

    @TaskLocal public static var pinned: Pinned?
}

extension Storage {
    /// Runs `body` with every `read` it makes, directly or through a service, in one read transaction.
    public func inOneSnapshot<T: Sendable>(_ body: @escaping @Sendable () async throws -> T) async throws -> T {
        if OneSnapshot.pinned != nil { return try await body() }
        return try await read { tx in try await OneSnapshot.$pinned.withValue(OneSnapshot.Pinned(transaction: tx)) { try await body() } }
    }
}
