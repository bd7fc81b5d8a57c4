import Foundation
import TenureCore

/// The orders of `GET /v1/accounts?sort=` besides insertion order: values judged on read at `asOf`, so a sorted list
/// ranks every account the filters pass and then builds only the page it returns.
public struct AccountSort: Sendable, Equatable {
    public enum Key: String, Sendable, CaseIterable {
        /// MRR at `asOf`.
        case mrr
        /// The latest stored health score; unscored sorts below every score.
        case health
        /// The nearest renewal date; accounts without one come last either way.
        case renewal
    }

    public var key: Key
    public var descending: Bool

    /// `mrr`, `-mrr`, `health`, `-health`, `renewal` or `-renewal`; nil for anything else.
    public init?(_ text: String) {
        let descending = text.hasPrefix("-")
        guard let key = Key(rawValue: descending ? String(text.dropFirst()) : text) else { return nil }
        self.key = key
        self.descending = descending
    }

    /// Each account's sort key.
    func keys(of accounts: [Account], asOf: Date, in tx: any Transaction) async throws -> [String: Int64] {
        let ids = accounts.map(\.id)
        switch key {
        case .mrr:
            return try await tx.ledger.movements(of: ids, asOf: asOf).mapValues { Int64($0.mrr(at: asOf)) }
        case .health:
            return try await tx.health.latest(accounts: ids, asOf: asOf).compactMapValues { $0.score.map(Int64.init) }
        case .renewal:
            let contracts = try await tx.contracts.of(accounts: ids).values.flatMap { $0 }
            return try await nearestRenewals(contracts, asOf: asOf, in: tx).mapValues { Int64(($0.timeIntervalSince1970 / 86_400).rounded(.down)) }
        }
    }

    /// The key of an account that has no value: no MRR is 0, unscored is below every score, no renewal is last.
    var missing: Int64 {
        switch key {
        case .mrr: 0
        case .health: -1
        case .renewal: descending ? .min : .max
        }
    }
}
