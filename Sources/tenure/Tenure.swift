import ArgumentParser
import Foundation
import Hummingbird
import Logging
import SQLiteStore
import TenureAPI
import TenurePersistence
import TenurePostgres
import TenureServices

@main
struct Tenure: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tenure",
        abstract: "A self-hosted customer-lifecycle server: pipeline, revenue metrics and account health, on one SQLite file or PostgreSQL.",
        discussion: """
            Every flag also reads an environment variable, shown in each command's help:
              TENURE_HOST, TENURE_PORT, TENURE_DB, TENURE_DATABASE_URL, TENURE_POOL_SIZE, TENURE_CURRENCY, TENURE_DURABILITY,
              TENURE_LOG_LEVEL,
              TENURE_NO_MIGRATE, TENURE_RATE_LIMIT,
              TENURE_BOOTSTRAP_ADMIN_KEY (an admin key created on start when no key exists),
              TENURE_STRIPE_WEBHOOK_SECRETS and TENURE_CRM_WEBHOOK_SECRETS (comma-separated).
            """,
        subcommands: [Serve.self, Migrate.self, Keys.self, Backup.self, Copy.self, Demo.self, Verify.self],
        defaultSubcommand: Serve.self
    )
}

/// Reads a flag's default from the environment.
func environment(_ name: String, _ fallback: String) -> String {
    ProcessInfo.processInfo.environment[name].flatMap { $0.isEmpty ? nil : $0 } ?? fallback
}

/// Which database, shared by every command that opens one: a SQLite file (`--db`), or PostgreSQL (`--database-url`).
struct DatabaseOptions: ParsableArguments {
    @Option(name: .long, help: "SQLite database file (env TENURE_DB); ignored with --database-url.")
    var db: String = environment("TENURE_DB", "./tenure.sqlite")

    @Option(
        name: .customLong("database-url"),
        help:
            "postgres://user:pass@host:port/db?sslmode=disable|prefer|require|verify-full[&connect_timeout=S]: PostgreSQL instead of SQLite (env TENURE_DATABASE_URL)."
    )
    var databaseURL: String?

    @Option(name: .customLong("pool-size"), help: "PostgreSQL connections per node (env TENURE_POOL_SIZE, default 2 × cores).")
    var poolSize: Int = Int(environment("TENURE_POOL_SIZE", "")) ?? 2 * ProcessInfo.processInfo.activeProcessorCount

    /// The PostgreSQL URL when one is given; read here rather than as the option's default, so `--help` never prints a
    /// password.
    var postgres: DatabaseURL? {
        get throws {
            try (databaseURL ?? ProcessInfo.processInfo.environment["TENURE_DATABASE_URL"]).flatMap { $0.isEmpty ? nil : try DatabaseURL($0) }
        }
    }

    func validate() throws {
        guard poolSize >= 1 else { throw ValidationError("--pool-size must be at least 1") }
        _ = try postgres
    }

    /// Opens the chosen database.
    func open(durability: Durability, migrate: Bool, logger: Logger) async throws -> any MigratedStorage {
        if let url = try postgres { return try await PostgresStorage(url: url, poolSize: poolSize, migrate: migrate, logger: logger) }
        return try await SQLiteStorage(path: db, durability: durability, migrate: migrate, logger: logger)
    }

    /// Opens the chosen database (migrating it unless told not to), runs `body` and closes it again.
    func with<T: Sendable>(
        durability: Durability = .full,
        migrate: Bool = true,
        _ body: (any MigratedStorage) async throws -> T
    ) async throws -> T {
        let storage = try await open(durability: durability, migrate: migrate, logger: Logger(label: "tenure"))
        do {
            let result = try await body(storage)
            await storage.close()
            return result
        } catch {
            await storage.close()
            throw error
        }
    }
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
