import ArgumentParser
import Foundation
import Logging
import TenureDemo
import TenurePersistence
import TenureServices

/// `tenure demo`: a sample company created through the same services the API uses, deterministic for a seed.
struct Demo: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Load a realistic sample company (two years of history) into a new database.")

    @OptionGroup var database: DatabaseOptions
    @OptionGroup var reporting: CurrencyOptions
    @Option(help: "How many accounts.") var accounts: Int = 300
    @Option(help: "Random seed; the same seed gives the same company.") var seed: UInt64 = 42

    func validate() throws {
        guard accounts >= 1 else { throw ValidationError("--accounts must be at least 1") }
    }

    func run() async throws {
        let started = Date()
        let tally = try await database.with(durability: .normal) { storage in
            let now = Clock.system.now()
            let services = Services(storage: storage, clock: Clock { now }, currency: reporting.currency)
            return try await DemoCompany(services: services, seed: seed).load(accounts: accounts)
        }
        print("Demo company loaded in \(String(format: "%.1f", Date().timeIntervalSince(started))) s: \(tally).")
    }
}
