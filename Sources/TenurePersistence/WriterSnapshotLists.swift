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
    private struct Entry {
        let effectiveAt: Int64
        let order: String
        let snapshot: SubscriptionSnapshot

        /// `ORDER BY effective_at, order_key`: milliseconds, then the key's bytes (SQLite's BINARY collation).
        func precedes(_ other: Entry) -> Bool {
            effectiveAt != other.effectiveAt ? effectiveAt < other.effectiveAt : order.utf8.lexicographicallyPrecedes(other.order.utf8)
        }
    }

    private var lists: [String: [Entry]] = [:]
    private var validFor: (rollbacks: Int, dataVersion: Int)?
    private let capacity: Int

    init(capacity: Int = 20_000) { self.capacity = capacity }

    /// The contract's snapshots, from the copy or else from `read` (which the copy then keeps).
    func snapshots(of contractID: String, on db: Connection, read: () throws -> [ReadSnapshot]) throws -> [SubscriptionSnapshot] {
        try dropIfStale(db)
        if let list = lists[contractID] { return list.map(\.snapshot) }
        let read = try read()
        if lists.count >= capacity { lists.removeAll(keepingCapacity: true) }
        lists[contractID] = read.map { Entry(effectiveAt: $0.stored.effectiveAt.stored, order: $0.stored.order, snapshot: $0.snapshot) }
        return read.map(\.snapshot)
    }

    /// Adds a snapshot the writer has just inserted to its contract's list, if the copy holds that list.
    func inserted(_ stored: StoredSnapshot, as snapshot: SubscriptionSnapshot, on db: Connection) throws {
        try dropIfStale(db)
        let entry = Entry(effectiveAt: stored.effectiveAt.stored, order: stored.order, snapshot: snapshot)
        let position = lists[stored.contractID]?.lastIndex { !entry.precedes($0) }.map { $0 + 1 } ?? 0
        lists[stored.contractID]?.insert(entry, at: position)  // in place: a list taken out would be copied on insert
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
