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
        // SQLite's file is checked here; PostgreSQL checks its own pages (`pg_amcheck`), so there is nothing to add.
        let integrity =
            try database.postgres == nil
            ? try await Connection(path: database.db).query("PRAGMA integrity_check").compactMap { $0.string("integrity_check") } : nil
        let stale = try await database.with(durability: .normal, migrate: false) { storage in
            try await LifecycleService(storage: storage, clock: .system, currency: reporting.currency).staleLedgerAccounts()
        }
        print("integrity: " + (integrity?.joined(separator: "; ") ?? "checked by PostgreSQL itself (pg_amcheck), not here"))
        print(
            stale.isEmpty
                ? "ledger: every account's movements equal a recomputation from its facts" : "ledger: stale accounts " + stale.joined(separator: ", ")
        )
        if integrity.map({ $0 != ["ok"] }) == true || !stale.isEmpty { throw ExitCode(1) }
    }
}
