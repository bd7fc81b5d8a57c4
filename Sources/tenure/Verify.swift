import ArgumentParser
import Foundation
import Logging
import SQLiteStore
import TenurePersistence
import TenureServices

/// `tenure verify`: the database's own check, and every account's stored MRR movements against a recomputation from
/// its stored facts (Closed Won, payments, contracts, Stripe snapshots). Exits 1 when either finds a problem.
struct Verify: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Check the database's integrity and that the revenue ledger matches its facts.")

    @OptionGroup var database: DatabaseOptions
    @OptionGroup var reporting: CurrencyOptions

    func run() async throws {
        let integrity = try await Connection(path: database.db).query("PRAGMA integrity_check").compactMap { $0.string("integrity_check") }
        let storage = try await SQLiteStorage(path: database.db, durability: .normal, migrate: false, logger: Logger(label: "tenure"))
        let stale: [String]
        do {
            stale = try await LifecycleService(storage: storage, clock: .system, currency: reporting.currency).staleLedgerAccounts()
            await storage.close()
        } catch {
            await storage.close()
            throw error
        }
        print("integrity: " + integrity.joined(separator: "; "))
        print(
            stale.isEmpty
                ? "ledger: every account's movements equal a recomputation from its facts" : "ledger: stale accounts " + stale.joined(separator: ", ")
        )
        if integrity != ["ok"] || !stale.isEmpty { throw ExitCode(1) }
    }
}
