import Foundation
import TenureCore
import TenureServices

/// Subscription snapshots already read back, by event id, for reads and writes alike. Every Stripe event re-derives its
/// subscription's MRR from all of the subscription's snapshots, and reading each back again was the largest part of
/// the writer's time during an ingest. A kept snapshot answers only for the same bytes (their hash under this
/// process's random seed), so a rolled-back write or a change from outside can never be answered from the memo.
package final class SnapshotMemo: @unchecked Sendable {
    // Safe: `kept` is only touched under `lock`.
    private let lock = NSLock()
    private var kept: [String: (bytes: Int, snapshot: SubscriptionSnapshot)] = [:]
    private let capacity: Int

    package init(capacity: Int = 100_000) { self.capacity = capacity }

    func readBack(_ stored: StoredSnapshot) throws -> SubscriptionSnapshot {
        let bytes = Self.hash(stored.terms)
        if let kept = lock.withLock({ kept[stored.eventID] }), kept.bytes == bytes { return kept.snapshot }
        let snapshot = try stored.readBack()
        keep(snapshot, as: stored, bytes: bytes)
        return snapshot
    }

    /// Keeps `snapshot` as what `stored` reads back (the writer read it back before storing it).
    func keep(_ snapshot: SubscriptionSnapshot, as stored: StoredSnapshot, bytes: Int? = nil) {
        let bytes = bytes ?? Self.hash(stored.terms)
        lock.withLock {
            if kept.count >= capacity { kept.removeAll(keepingCapacity: true) }
            kept[stored.eventID] = (bytes, snapshot)
        }
    }

    private static func hash(_ terms: [UInt8]) -> Int {
        var hasher = Hasher()
        terms.withUnsafeBytes { hasher.combine(bytes: $0) }
        return hasher.finalize()
    }
}
