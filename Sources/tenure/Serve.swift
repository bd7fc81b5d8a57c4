import ArgumentParser
import Foundation
import Hummingbird
import Logging
import SQLiteStore
import TenureAPI
import TenurePersistence
import TenureServices

/// `tenure serve`: runs the HTTP server until SIGTERM or SIGINT.
struct Serve: AsyncParsableCommand, AppArguments {
    static let configuration = CommandConfiguration(abstract: "Run the HTTP server (applies pending migrations first).")

    @Option(help: "Address to listen on (env TENURE_HOST).")
    var host: String = environment("TENURE_HOST", "127.0.0.1")

    @Option(help: "Port to listen on (env TENURE_PORT).")
    var port: Int = Int(environment("TENURE_PORT", "8080")) ?? 8080

    @OptionGroup var database: DatabaseOptions

    @OptionGroup var reporting: CurrencyOptions

    @Option(help: "full: an acknowledged write survives power loss; normal: it survives a crash (env TENURE_DURABILITY).")
    var durability: Durability = Durability(rawValue: environment("TENURE_DURABILITY", "full")) ?? .full

    @Flag(name: .customLong("no-migrate"), help: "Refuse to start when migrations are pending instead of applying them (env TENURE_NO_MIGRATE=1).")
    var noMigrate = false

    @Option(name: .customLong("rate-limit"), help: "Requests a second allowed per API key, 0 for no limit (env TENURE_RATE_LIMIT).")
    var rateLimit: Int = Int(environment("TENURE_RATE_LIMIT", "1000")) ?? 1000

    @Option(name: .customLong("crm-webhook-secrets"), help: "Comma-separated whsec_ secrets of CRM deliveries (env TENURE_CRM_WEBHOOK_SECRETS).")
    var crmSecrets: String?

    @Option(name: .customLong("stripe-webhook-secrets"), help: "Comma-separated Stripe endpoint secrets (env TENURE_STRIPE_WEBHOOK_SECRETS).")
    var stripeSecrets: String?

    @Flag(
        name: .customLong("no-daily-evaluation"),
        help: "Do not evaluate health once a day and on start (env TENURE_NO_DAILY_EVALUATION=1); POST /v1/health/evaluate still works."
    )
    var noDailyEvaluation = false

    @Flag(
        name: .customLong("no-daily-retention"),
        help: "Do not run retention once a day (env TENURE_NO_DAILY_RETENTION=1); POST /v1/privacy/retention/run still works."
    )
    var noDailyRetention = false

    @Option(
        name: .customLong("public-url"),
        help: """
            The base URL webhook senders call, e.g. https://tenure.example.com: HubSpot signs it (env TENURE_PUBLIC_URL). \
            CRM credentials come only from the environment: TENURE_HUBSPOT_CLIENT_SECRETS, TENURE_PIPEDRIVE_BASIC_AUTH \
            (user:password pairs), TENURE_SALESFORCE_ORG_IDS, each comma-separated.
            """
    )
    var publicURL: String = environment("TENURE_PUBLIC_URL", "")

    @Option(name: .customLong("idle-timeout"), help: "Seconds before a connection with nothing to read or write is closed (env TENURE_IDLE_TIMEOUT).")
    var idleTimeout: Int = Int(environment("TENURE_IDLE_TIMEOUT", "60")) ?? 60

    @Option(name: .customLong("chart-js"), help: "Chart.js for the dashboard page (env TENURE_CHART_JS); without it, numbers and tables only.")
    var chartJSPath: String = environment("TENURE_CHART_JS", debianChartJSPath)

    @Option(name: .customLong("log-level"), help: "trace, debug, info, notice, warning, error or critical (env TENURE_LOG_LEVEL).")
    var logLevelName: String = environment("TENURE_LOG_LEVEL", "info")

    var currency: String { reporting.currency }
    // A flag's default must be false (ArgumentParser), so the environment is read here.
    var migrate: Bool { !noMigrate && environment("TENURE_NO_MIGRATE", "0") != "1" }
    var dailyEvaluation: Bool { !noDailyEvaluation && environment("TENURE_NO_DAILY_EVALUATION", "0") != "1" }
    var dailyRetention: Bool { !noDailyRetention && environment("TENURE_NO_DAILY_RETENTION", "0") != "1" }
    var outbound: OutboundSettings {
        let scale = Double(environment("TENURE_WEBHOOK_RETRY_SCALE", "1")).flatMap { $0 > 0 && $0 <= 1 ? $0 : nil } ?? 1
        return OutboundSettings(
            allowPrivate: environment("TENURE_WEBHOOK_ALLOW_PRIVATE", "0") == "1",
            retryScale: scale,
            eventRetentionDays: Int(environment("TENURE_EVENT_RETENTION_DAYS", "90")) ?? 90
        )
    }
    var logLevel: Logger.Level { Logger.Level(rawValue: logLevelName) ?? .info }
    var webhookSecrets: WebhookSecrets {
        WebhookSecrets(
            // Read here rather than as the option's default, so `--help` never prints a secret.
            crm: Self.list(crmSecrets ?? environment("TENURE_CRM_WEBHOOK_SECRETS", "")),
            stripe: Self.list(stripeSecrets ?? environment("TENURE_STRIPE_WEBHOOK_SECRETS", "")),
            hubspot: Self.list(environment("TENURE_HUBSPOT_CLIENT_SECRETS", "")),
            pipedrive: Self.list(environment("TENURE_PIPEDRIVE_BASIC_AUTH", "")),
            salesforceOrganizations: Self.list(environment("TENURE_SALESFORCE_ORG_IDS", "")),
            publicURL: publicURL.isEmpty ? nil : publicURL
        )
    }
    static func list(_ text: String) -> [String] {
        text.split(separator: ",").map { String($0).trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }
    var privacySecrets: PrivacySecrets { PrivacySecrets(unsubscribe: Self.list(environment("TENURE_UNSUBSCRIBE_SECRETS", ""))) }
    var bootstrapAdminKey: String? { ProcessInfo.processInfo.environment["TENURE_BOOTSTRAP_ADMIN_KEY"] }

    func validate() throws {
        guard Logger.Level(rawValue: logLevelName) != nil else { throw ValidationError("--log-level is not a log level") }
        guard idleTimeout >= 1 else { throw ValidationError("--idle-timeout must be at least 1 second") }
    }

    func run() async throws {
        let app = try await buildApplication(self) { logger in try await database.open(durability: durability, migrate: migrate, logger: logger) }
        try await app.runService()
    }
}
