import ArgumentParser
import Foundation
import Hummingbird
import Logging
import SQLiteStore
import TenureAPI

@main
struct Tenure: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tenure",
        abstract: "A self-hosted customer-lifecycle server: pipeline, revenue metrics and account health over one SQLite file.",
        discussion: """
            Every flag also reads an environment variable, shown in each command's help:
              TENURE_HOST, TENURE_PORT, TENURE_DB, TENURE_CURRENCY, TENURE_DURABILITY, TENURE_LOG_LEVEL,
              TENURE_NO_MIGRATE, TENURE_RATE_LIMIT,
              TENURE_BOOTSTRAP_ADMIN_KEY (an admin key created on start when no key exists),
              TENURE_STRIPE_WEBHOOK_SECRETS and TENURE_CRM_WEBHOOK_SECRETS (comma-separated).
            """,
        subcommands: [Serve.self, Migrate.self, Keys.self, Backup.self, Demo.self, Verify.self],
        defaultSubcommand: Serve.self
    )
}

/// Reads a flag's default from the environment.
func environment(_ name: String, _ fallback: String) -> String {
    ProcessInfo.processInfo.environment[name].flatMap { $0.isEmpty ? nil : $0 } ?? fallback
}

/// `--db`, shared by every command that opens the database.
struct DatabaseOptions: ParsableArguments {
    @Option(name: .long, help: "SQLite database file (env TENURE_DB).")
    var db: String = environment("TENURE_DB", "./tenure.sqlite")
}

/// `--currency`, shared by every command that computes or writes money.
struct CurrencyOptions: ParsableArguments {
    @Option(help: "Reporting currency, lowercase ISO 4217 (env TENURE_CURRENCY).")
    var currency: String = environment("TENURE_CURRENCY", "usd")

    func validate() throws {
        guard currency.count == 3, currency == currency.lowercased() else { throw ValidationError("--currency must be a lowercase ISO 4217 code") }
    }
}

extension Durability: ExpressibleByArgument {}
