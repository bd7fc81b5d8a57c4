import Foundation
import TenureCore

/// The materialized MRR ledger and the lifecycle instants derived with it.
public protocol LedgerRecords {
    /// The account's two doors: the earliest move to `closed_won` of any of its opportunities (`won_at`), and when its
    /// earliest verified payment above 0 was made (`paid_at`).
    func conversion(of accountID: String) async throws -> (wonAt: Date?, paidAt: Date?)
    func replace(account accountID: String, movements: [Movement], wonAt: Date?, paidAt: Date?, convertedAt: Date?) async throws
    /// Movements in time order per account (every account when `accountIDs` is nil), those at or before `asOf`.
    func movements(of accountIDs: [String]?, asOf: Date) async throws -> [String: [Movement]]
    /// Accounts converted at or before `asOf` whose latest movement at or before it is not a churn.
    func customers(asOf: Date, _ page: PageRequest) async throws -> Page<String>
    func accountsWithRevenueFacts() async throws -> [String]
    /// What the event log has said of the account's revenue; nil before anything was recorded.
    func emitted(of accountID: String) async throws -> EmittedRevenue?
    func setEmitted(_ emitted: EmittedRevenue, of accountID: String) async throws
    /// Accounts with a movement dated in `(from, to]`: those whose future facts came due.
    func accounts(withMovementsAfter from: Date, through to: Date) async throws -> [String]
}
