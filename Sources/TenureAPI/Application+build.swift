import Foundation
import Hummingbird
import Logging
import SQLiteStore
import ServiceLifecycle
import TenurePersistence
import TenureServices

/// What a Tenure server is started with; the executable's flags and the tests' settings both conform.
public protocol AppArguments: Sendable {
    var host: String { get }
    var port: Int { get }
    var databasePath: String { get }
    var durability: Durability { get }
    var currency: String { get }
    /// Apply pending migrations on start (`--no-migrate` refuses to start instead).
    var migrate: Bool { get }
    var bootstrapAdminKey: String? { get }
    /// Requests a second allowed per API key (0: unlimited).
    var rateLimit: Int { get }
    var webhookSecrets: WebhookSecrets { get }
    var logLevel: Logger.Level { get }
    var clock: Clock { get }
    /// Evaluate health once a day, and on start when today has no evaluation.
    var dailyEvaluation: Bool { get }
    /// Seconds after which a connection with nothing to read or write is closed.
    var idleTimeout: Int { get }
    /// Chart.js for the dashboard page (Debian's `libjs-chart.js`); without it the page shows numbers and tables only.
    var chartJSPath: String { get }
}

extension AppArguments {
    public var clock: Clock { .system }
    public var dailyEvaluation: Bool { true }
    public var chartJSPath: String { debianChartJSPath }
    public var idleTimeout: Int { 60 }
}

/// Builds the whole server: storage (migrated), services, routes and middleware. Used by `tenure serve` and by the tests.
public func buildApplication(_ arguments: some AppArguments) async throws -> some ApplicationProtocol {
    // Before the storage opens: its writer and readers make their metrics as they start.
    Metrics.bootstrap()
    var logger = Logger(label: "tenure")
    logger.logLevel = arguments.logLevel
    let storage = try await SQLiteStorage(
        path: arguments.databasePath,
        durability: arguments.durability,
        migrate: arguments.migrate,
        logger: logger
    )
    let services = Services(
        storage: storage,
        clock: arguments.clock,
        currency: arguments.currency,
        webhookSecrets: arguments.webhookSecrets,
        chartJSPath: arguments.chartJSPath
    )
    if let secret = arguments.bootstrapAdminKey, !secret.isEmpty, try await services.keys.bootstrapAdmin(secret: secret) {
        logger.notice("keys.bootstrap_admin_created")
    }
    try await services.webhooks.applyStoredCRMContractBlocks()
    let router = buildRouter(services, rateLimiter: RateLimiter(perSecond: arguments.rateLimit))
    return Application(
        router: router,
        server: .http1(configuration: .init(idleTimeout: .seconds(Int64(arguments.idleTimeout)))),
        configuration: .init(address: .hostname(arguments.host, port: arguments.port), serverName: "Tenure"),
        // Shut down in reverse order: the daily evaluation stops before the storage closes.
        services: [StorageService(storage: storage, logger: logger)]
            + (arguments.dailyEvaluation ? [DailyEvaluationService(health: services.health, clock: arguments.clock, logger: logger)] : []),
        logger: logger
    )
}

func buildRouter(_ services: Services, rateLimiter: RateLimiter) -> Router<AppRequestContext> {
    let router = Router(context: AppRequestContext.self)
    router.add(middleware: ProblemMiddleware())
    router.add(middleware: LogRequestsMiddleware(.info))
    router.add(middleware: MetricsMiddleware())
    let endpoints = Endpoints(router: router, services: services, rateLimiter: rateLimiter)
    registerRoutes(on: endpoints)
    endpoints.finish()
    return router
}

/// Every controller's routes.
func registerRoutes(on endpoints: Endpoints) {
    PlatformController(metrics: Metrics.registry).register(on: endpoints)
    DashboardController().register(on: endpoints)
    AccountController().register(on: endpoints)
    ContactController().register(on: endpoints)
    ActivityController().register(on: endpoints)
    OpportunityController().register(on: endpoints)
    PipelineMetricsController().register(on: endpoints)
    SummaryController().register(on: endpoints)
    SettingsController().register(on: endpoints)
    RevenueController().register(on: endpoints)
    SupportController().register(on: endpoints)
    HealthController().register(on: endpoints)
    WebhookController().register(on: endpoints)
}

/// Evaluates every account's health on start when today has no evaluation, then shortly after each UTC midnight.
struct DailyEvaluationService: Service {
    let health: HealthService
    let clock: Clock
    let logger: Logger

    func run() async throws {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                let now = clock.now()
                var wait = now.startOfUTCDay.addingTimeInterval(86_400 + 60).timeIntervalSince(now)
                do {
                    if try await health.evaluateTodayIfMissing() { logger.info("health.daily_evaluation") }
                } catch {
                    logger.error("health.daily_evaluation_failed", metadata: ["error": "\(error)"])
                    wait = min(wait, 300)  // try again in 5 minutes, e.g. once a full disk has space again
                }
                try? await Task.sleep(for: .seconds(max(1, wait)))
            }
        }
    }
}

/// Closes the database after the HTTP server has stopped: queued writes finish and the WAL is checkpointed.
struct StorageService: Service {
    let storage: SQLiteStorage
    let logger: Logger

    func run() async throws {
        try? await gracefulShutdown()
        await storage.close()
        logger.info("db.closed")
    }
}
