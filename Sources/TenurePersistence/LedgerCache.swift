import Foundation
import TenureCore

/// Every account's movements as a reader last read them, shared by all readers: the revenue series, the summary, the
/// cohorts and LTV each start from all of them. The copy is tagged with `ledger_version`, which changes in the same
/// transaction as any movement (migration 0006), so a reader whose snapshot shows the same version holds the same
/// movements. Only read transactions use it: a write's version can still be rolled back and reused.
final class LedgerCache: @unchecked Sendable {
    struct Copy {
        let version: Int
        let movements: [String: [Movement]]
        /// The latest movement's instant: up to it, a read as of a later instant is the whole copy.
        let latest: Date

        init(version: Int, movements: [String: [Movement]]) {
            self.version = version
            self.movements = movements
            latest = movements.values.compactMap(\.last?.at).max() ?? .distantPast
        }

        /// The movements at or before `asOf`, as `LedgerRecords.movements(of: nil, asOf:)` gives them.
        func asOf(_ asOf: Date) -> [String: [Movement]] {
            guard latest > asOf else { return movements }
            return movements.compactMapValues { history in
                let kept = history.prefix { $0.at <= asOf }
                return kept.isEmpty ? nil : Array(kept)
            }
        }
    }

    private let lock = NSLock()
    private var copy: Copy?

    func copy(at version: Int) -> Copy? { lock.withLock { copy?.version == version ? copy : nil } }

    func keep(_ copy: Copy) { lock.withLock { self.copy = copy } }
}
