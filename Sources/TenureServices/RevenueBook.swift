import Foundation
import TenureCore

/// Keeps each account's MRR ledger equal to what its facts say: after any write that touches an account's
/// Closed Won, payments or contracts, `refresh` recomputes its movements (pure `AccountRevenueFacts`) and stores them.
enum RevenueBook {
    static let settingsName = "revenue"

    /// Also records what the rewrite changed of what the event log said (`RevenueEvent`) as of `now`.
    static func refresh(_ accountID: String, at now: Date, in tx: any Transaction) async throws {
        try await tx.lock(.account(accountID))
        let facts = try await self.facts(of: accountID, in: tx)
        try await emitDue(of: accountID, ledger: LedgerState(wonAt: facts.wonAt, paidAt: facts.paidAt, movements: facts.movements), at: now, in: tx)
        try await tx.ledger.replace(
            account: accountID,
            movements: facts.movements,
            wonAt: facts.wonAt,
            paidAt: facts.paidAt,
            convertedAt: facts.convertedAt
        )
    }

    /// Brings the event log up to `ledger` as of `now`: the MRR movements and stage changes it has not said yet. An
    /// account the log has said nothing of since before events existed starts from its stored ledger, silently.
    static func emitDue(of accountID: String, ledger: LedgerState, at now: Date, in tx: any Transaction) async throws {
        let emitted: EmittedRevenue
        if let stored = try await tx.ledger.emitted(of: accountID) {
            emitted = stored
        } else {
            let account = try await tx.accounts.find(id: accountID)
            let movements = try await tx.ledger.movements(of: [accountID], asOf: .distantFuture)[accountID] ?? []
            emitted = LedgerState(wonAt: account?.wonAt, paidAt: account?.paidAt, movements: movements).emitted(asOf: now)
        }
        let (events, after) = RevenueEvent.due(ledger, emitted: emitted, now: now)
        tx.emit(events, of: accountID, now: now)
        if after != emitted { try await tx.ledger.setEmitted(after, of: accountID) }
    }

    /// Accounts whose stored movements differ from those their stored facts give now (none, unless something
    /// was lost or half-written).
    static func staleAccounts(in tx: any Transaction) async throws -> [String] {
        let stored = try await tx.ledger.movements(of: nil, asOf: .distantFuture)
        return try await tx.ledger.accountsWithRevenueFacts().asyncFilter { id in try await facts(of: id, in: tx).movements != stored[id] ?? [] }
    }

    static func facts(of accountID: String, in tx: any Transaction) async throws -> AccountRevenueFacts {
        let pastDueChurnDays = try await settings(in: tx).pastDueChurnDays
        let (wonAt, paidAt) = try await tx.ledger.conversion(of: accountID)
        let streams: [any RevenueStream] = try await tx.contracts.of(account: accountID).asyncCompactMap { contract in
            switch contract.source {
            case .manual: return contract.manualTerms
            case .stripe: return try await stream(of: contract, pastDueChurnDays: pastDueChurnDays, in: tx)
            }
        }
        return AccountRevenueFacts(wonAt: wonAt, paidAt: paidAt, streams: streams)
    }

    static func stream(of contract: Contract, pastDueChurnDays: Int?, in tx: any Transaction) async throws -> StripeSubscriptionStream {
        StripeSubscriptionStream(snapshots: try await tx.contracts.snapshots(of: contract.id), pastDueChurnDays: pastDueChurnDays)
    }

    static func settings(in tx: any Transaction) async throws -> RevenueSettings {
        try await tx.settings.decoded(settingsName, defaults: .defaults)
    }
}
