import Foundation
import SQLiteStore
import TenureCore
import TenureServices

/// The writer's own copy of each Stripe subscription's snapshots in stream order. Every Stripe event re-derives its
/// account's MRR from all of its subscription's snapshots, and reading them back from the database was the largest part
/// of the writer's work during an ingest, growing with each subscription's history. The copy is kept up to date as the
/// writer inserts snapshots, and dropped whole whenever it may differ from the database: after any rollback on the
/// writer's connection, and once another connection (another process) has committed.
final class WriterSnapshotLists: @unchecked Sendable {
    // Safe: only used in write transactions, which all run on the writer's one thread.
    /// Where a snapshot sorts: `ORDER BY effective_at, order_key`.
    private struct Key {
        let effectiveAt: Int64
        let order: String

        init(_ stored: StoredSnapshot) {
            effectiveAt = stored.effectiveAt.stored
            order = stored.order
        }

        /// Milliseconds, then the key's bytes (SQLite's BINARY collation).
        func precedes(_ other: Key) -> Bool {
            effectiveAt != other.effectiveAt ? effectiveAt < other.effectiveAt : order.utf8.lexicographicallyPrecedes(other.order.utf8)
        }
    }

    /// A contract's snapshots and their keys, side by side: the snapshots are handed out as they are, not copied.
    private struct List {
        var keys: [Key]
        var snapshots: [SubscriptionSnapshot]
    }

    private var lists: [String: List] = [:]
    private var validFor: (rollbacks: Int, dataVersion: Int)?
    private let capacity: Int

    init(capacity: Int = 20_000) { self.capacity = capacity }

    /// The contract's snapshots, from the copy or else from `read` (which the copy then keeps).
    func snapshots(
        of contractID: String,
        on db: Connection,
        read: () async throws -> [ReadSnapshot]
    ) async throws -> [SubscriptionSnapshot] {
        try dropIfStale(db)
        if let list = lists[contractID] { return list.snapshots }
        let read = try await read()
        if lists.count >= capacity { lists.removeAll(keepingCapacity: true) }
        let list = List(keys: read.map { Key($0.stored) }, snapshots: read.map(\.snapshot))
        lists[contractID] = list
        return list.snapshots
    }

    /// Adds a snapshot the writer has just inserted to its contract's list, if the copy holds that list.
    func inserted(_ stored: StoredSnapshot, as snapshot: SubscriptionSnapshot, on db: Connection) throws {
        try dropIfStale(db)
        let key = Key(stored)
        let after = { (list: List) in list.keys.lastIndex { !key.precedes($0) }.map { $0 + 1 } ?? 0 }
        guard let position = lists[stored.contractID].map(after) else { return }
        // In place: a list taken out of the dictionary would be copied on insert.
        lists[stored.contractID]?.keys.insert(key, at: position)
        lists[stored.contractID]?.snapshots.insert(snapshot, at: position)
    }

    private func dropIfStale(_ db: Connection) throws {
        let now = (rollbacks: db.rollbacks, dataVersion: try db.dataVersion())
        if let validFor, validFor == now { return }
        lists.removeAll()
        validFor = now
    }
}

/// A stored snapshot and what it reads back as.
struct ReadSnapshot {
    let stored: StoredSnapshot
    let snapshot: SubscriptionSnapshot
}
