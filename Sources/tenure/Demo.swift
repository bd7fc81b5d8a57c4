import ArgumentParser
import Foundation
import Logging
import TenureCore
import TenurePersistence
import TenureServices

/// `tenure demo`: a sample company created through the same services the API uses, deterministic for a seed.
struct Demo: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Load a realistic sample company so every endpoint has data.")

    @OptionGroup var database: DatabaseOptions
    @Option(help: "How many accounts.") var accounts: Int = 200
    @Option(help: "Random seed; the same seed gives the same company.") var seed: UInt64 = 42

    func run() async throws {
        let storage = try await SQLiteStorage(path: database.db, durability: .normal, migrate: true, logger: Logger(label: "tenure"))
        var company = DemoCompany(storage: storage, seed: seed, now: Clock.system.now())
        let summary = try await company.load(accounts: accounts)
        await storage.close()
        print(summary)
    }
}
