import Foundation
import SQLiteStore
import TenureCore
import TenureServices

/// A company-wide read shared by every reader: the revenue series, the summary and the cohorts all start from every
/// account's movements, the pipeline metrics and the summary from every deal's history, committed MRR from every
/// contract. Each is kept with the number its sources have in `read_versions` (their sum), which triggers change in the
/// same transaction as any change to that source (SQLite migrations 0006 to 0008; PostgreSQL's baseline bumps one of
/// sixteen shards per source, so that writers on many connections do not queue on one row), whoever writes it. Each number only grows, and a
/// snapshot sees every commit an earlier snapshot saw, so a reader whose snapshot shows the same sum holds the same rows. Only read transactions use them: a write's number
/// can still be rolled back and reused.
final class ReadCache<Value: Sendable>: @unchecked Sendable {
    private let versionSQL: String
    private let lock = NSLock()
    private var kept: (version: Int, value: Value)?
    /// Held while a copy is made: readers that find the kept one stale wait for it rather than each making their own
    /// (after a write, every dashboard's first request would otherwise hold a copy of the same rows at once).
    private let making = AsyncLock()

    /// `sources` are constants of the code, spelled in the SQL.
    init(sources: String...) {
        versionSQL = "SELECT sum(version) AS version FROM read_versions WHERE source IN (\(sources.map { "'\($0)'" }.joined(separator: ", ")))"
    }

    /// The value for what `db`'s snapshot holds: kept, or made by `read` and kept.
    func value(in db: any SQLConnection, read: () async throws -> Value) async throws -> Value {
        guard let version = try await db.first(versionSQL)?.int("version") else { return try await read() }
        func keptValue() -> Value? { lock.withLock { kept?.version == version ? kept?.value : nil } }
        if let value = keptValue() { return value }
        return try await making.withLock {
            if let value = keptValue() { return value }
            let value = try await read()
            lock.withLock { kept = (version, value) }
            return value
        }
    }
}

/// The shared reads of one storage.
package struct ReadCaches: Sendable {
    package init() {}

    let ledger = ReadCache<LedgerCopy>(sources: "ledger")
    let pipeline = ReadCache<PipelineCopy>(sources: "pipeline", "slices")
    let contracts = ReadCache<AllContracts>(sources: "contracts")
    let health = ReadCache<HealthCopy>(sources: "health")
    let won = ReadCache<WonCopy>(sources: "ledger", "contracts", "health")
    let slices = ReadCache<[String: SliceValues]>(sources: "slices")
    let slicedHistories = ReadCache<SlicedHistories>(sources: "ledger", "slices")
}

/// Every contract and every Stripe subscription's snapshots, read back.
struct AllContracts: Sendable {
    /// Each account's contracts, in insertion order.
    let byAccount: [String: [Contract]]
    /// Each contract's snapshots, in the order of `ContractRecords.snapshots(of:)`.
    let snapshots: [String: [SubscriptionSnapshot]]
}

/// Every account's evaluations, in day order, and its risk flags, in the order they were raised.
struct HealthCopy: Sendable {
    let evaluations: [String: [BandEvaluation]]
    let flags: [String: [RiskFlag]]
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
    /// In `seq` order, each with its latest activity of all.
    let facts: [PipelineFacts]
    /// Each deal's, in time order.
    let activities: [[Date]]
    /// The latest creation or activity: as of any later instant, `facts` are the answer as they are.
    let latest: Date

    init(facts: [PipelineFacts], activities: [[Date]]) {
        self.facts = zip(facts, activities).map { facts, activities in
            var deal = facts
            deal.lastActivityAt = activities.last
            return deal
        }
        self.activities = activities
        latest = max(facts.map(\.createdAt).max() ?? .distantPast, activities.compactMap(\.last).max() ?? .distantPast)
    }

    /// The deals created by `asOf`, each with its latest activity at or before it.
    func asOf(_ asOf: Date) -> [PipelineFacts] {
        guard latest > asOf else { return facts }
        return zip(facts, activities).compactMap { facts, activities in
            guard facts.createdAt <= asOf else { return nil }
            var deal = facts
            deal.lastActivityAt = activities.last { $0 <= asOf }
            return deal
        }
    }
}

/// Every won account joined once with its movements, contracts, evaluations and flags (from the three copies above),
/// with the version that names this state of them.
struct WonCopy: Sendable {
    let accounts: [WonAccountFacts]
    let version = DataVersion.unique()

    init(ledger: LedgerCopy, contracts: AllContracts, health: HealthCopy) {
        accounts = ledger.won.map { won in
            WonAccountFacts(
                id: won.id,
                wonAt: won.wonAt,
                paidAt: won.paidAt,
                movements: ledger.movements[won.id] ?? [],
                contracts: (contracts.byAccount[won.id] ?? []).map { contract in
                    contract.source == .manual ? .manual(contract.manualTerms) : .stripe(contracts.snapshots[contract.id] ?? [])
                },
                evaluations: health.evaluations[won.id] ?? [],
                flags: health.flags[won.id] ?? []
            )
        }
    }
}

extension Optional {
    /// The shared value in a read transaction (which has a cache), else what `read` reads now.
    func value<Value>(in db: any SQLConnection, read: () async throws -> Value) async throws -> Value where Wrapped == ReadCache<Value> {
        guard let cache = self else { return try await read() }
        return try await cache.value(in: db, read: read)
    }
}
