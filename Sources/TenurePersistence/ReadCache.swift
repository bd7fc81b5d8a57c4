import Foundation
import SQLiteStore
import TenureCore
import TenureServices

/// A company-wide read shared by every reader: the revenue series, the summary and the cohorts all start from every
/// account's movements, the pipeline metrics and the summary from every deal's history, committed MRR from every
/// contract. Each is kept with the number its source had in `read_versions`, which triggers change in the same
/// transaction as any change to that source (migrations 0006 to 0008), whoever writes it; a reader whose snapshot
/// shows the same number holds the same rows. Only read transactions use them: a write's number can still be rolled
/// back and reused.
final class ReadCache<Value: Sendable>: @unchecked Sendable {
    let source: String
    private let lock = NSLock()
    private var kept: (version: Int, value: Value)?

    init(source: String) { self.source = source }

    /// The value for what `db`'s snapshot holds: kept, or made by `read` and kept.
    func value(in db: Connection, read: () throws -> Value) throws -> Value {
        guard let version = try db.first("SELECT version FROM read_versions WHERE source = ?", [source])?.int("version") else {
            return try read()
        }
        if let value = lock.withLock({ kept?.version == version ? kept?.value : nil }) { return value }
        let value = try read()
        lock.withLock { kept = (version, value) }
        return value
    }
}

/// The shared reads of one storage.
struct ReadCaches: Sendable {
    let ledger = ReadCache<LedgerCopy>(source: "ledger")
    let pipeline = ReadCache<PipelineCopy>(source: "pipeline")
    let contracts = ReadCache<AllContracts>(source: "contracts")
    let health = ReadCache<HealthCopy>(source: "health")
}

/// Every account's evaluations, in day order, and every risk flag: each account's latest band and the flagged accounts
/// at any instant.
struct HealthCopy: Sendable {
    struct Evaluation: Sendable {
        let day: Date
        let evaluatedAt: Date
        let band: HealthBand?
    }

    let evaluations: [String: [Evaluation]]
    let flags: [RiskFlag]

    /// As `HealthRecords.latestBands(asOf:)` gives them: the band of the latest day evaluated by `asOf`.
    func latestBands(asOf: Date) -> [String: HealthBand] {
        evaluations.compactMapValues { days in days.last { $0.evaluatedAt <= asOf }?.band }
    }

    /// As `HealthRecords.accountsFlagged(_:asOf:)` gives them.
    func accountsFlagged(_ severities: [RiskSeverity], asOf: Date) -> Set<String> {
        Set(flags.lazy.filter { severities.contains($0.severity) && $0.isOpen(at: asOf) }.map(\.accountID))
    }
}

/// Every account's movements, and every won account (not merged away) in `seq` order with its first payment.
struct LedgerCopy: Sendable {
    let movements: [String: [Movement]]
    let won: [(id: String, wonAt: Date, paidAt: Date?)]
    /// The latest movement's instant: up to it, a read as of a later instant is the whole copy.
    let latest: Date

    init(movements: [String: [Movement]], won: [(id: String, wonAt: Date, paidAt: Date?)]) {
        self.movements = movements
        self.won = won
        latest = movements.values.compactMap(\.last?.at).max() ?? .distantPast
    }

    /// The accounts won at or before `asOf`, as `LedgerRecords.wonAccounts(asOf:)` gives them.
    func won(asOf: Date) -> [(id: String, wonAt: Date, paidAt: Date?)] { won.filter { $0.wonAt <= asOf } }

    /// The movements at or before `asOf`, as `LedgerRecords.movements(of: nil, asOf:)` gives them.
    func asOf(_ asOf: Date) -> [String: [Movement]] {
        guard latest > asOf else { return movements }
        return movements.compactMapValues { history in
            let kept = history.prefix { $0.at <= asOf }
            return kept.isEmpty ? nil : Array(kept)
        }
    }
}

/// What the pipeline metrics need of every deal, with the instants of all its linked activities.
struct PipelineCopy: Sendable {
    /// In `seq` order, each with no latest activity yet.
    let facts: [PipelineFacts]
    /// Each deal's, in time order.
    let activities: [[Date]]

    /// The deals created by `asOf`, each with its latest activity at or before it.
    func asOf(_ asOf: Date) -> [PipelineFacts] {
        zip(facts, activities).compactMap { facts, activities in
            guard facts.createdAt <= asOf else { return nil }
            var deal = facts
            deal.lastActivityAt = activities.last { $0 <= asOf }
            return deal
        }
    }
}
