import Foundation
import TenureCore

/// Keeps each account's MRR ledger equal to what its facts say: after any write that touches an account's
/// Closed Won, payments or contracts, `refresh` recomputes its movements (pure `AccountRevenueFacts`) and stores them.
enum RevenueBook {
    static let settingsName = "revenue"

    static func refresh(_ accountID: String, in tx: any Transaction) throws {
        try tx.lock(.account(accountID))
        let facts = try self.facts(of: accountID, in: tx)
        try tx.ledger.replace(
            account: accountID,
            movements: facts.movements,
            wonAt: facts.wonAt,
            paidAt: facts.paidAt,
            convertedAt: facts.convertedAt
        )
    }

    /// Accounts whose stored movements differ from those their stored facts give now (none, unless something
    /// was lost or half-written).
    static func staleAccounts(in tx: any Transaction) throws -> [String] {
        let stored = try tx.ledger.movements(of: nil, asOf: .distantFuture)
        return try tx.ledger.accountsWithRevenueFacts().filter { id in try facts(of: id, in: tx).movements != stored[id] ?? [] }
    }

    static func facts(of accountID: String, in tx: any Transaction) throws -> AccountRevenueFacts {
        let pastDueChurnDays = try settings(in: tx).pastDueChurnDays
        let paidAt = try tx.payments.firstPaid(account: accountID)
        let streams: [any RevenueStream] = try tx.contracts.of(account: accountID).compactMap { contract in
            switch contract.source {
            case .manual: return contract.manualTerms
            case .stripe: return try stream(of: contract, pastDueChurnDays: pastDueChurnDays, in: tx)
            }
        }
        return AccountRevenueFacts(wonAt: try tx.ledger.wonAt(account: accountID), paidAt: paidAt, streams: streams)
    }

    static func stream(of contract: Contract, pastDueChurnDays: Int?, in tx: any Transaction) throws -> StripeSubscriptionStream {
        StripeSubscriptionStream(snapshots: try tx.contracts.snapshots(of: contract.id), pastDueChurnDays: pastDueChurnDays)
    }

    static func settings(in tx: any Transaction) throws -> RevenueSettings {
        try tx.settings.decoded(settingsName, defaults: .defaults)
    }
}
