import Foundation
import Hummingbird
import Logging
import ServiceLifecycle
import TenureServices

/// What a Tenure server is started with; the executable's flags and the tests' settings both conform.
public protocol AppArguments: Sendable {
    var host: String { get }
    var port: Int { get }
    var currency: String { get }
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
    /// Outbound webhooks: private targets, retry scale (`TENURE_WEBHOOK_ALLOW_PRIVATE`, `TENURE_WEBHOOK_RETRY_SCALE`).
    var outbound: OutboundSettings { get }
    /// Send webhooks and run automations from this process (a node may leave it to others).
    var deliversWebhooks: Bool { get }
    /// Chart.js for the dashboard page (Debian's `libjs-chart.js`); without it the page shows numbers and tables only.
    var chartJSPath: String { get }
    /// Run retention once a day (`TENURE_NO_DAILY_RETENTION=1` turns it off).
    var dailyRetention: Bool { get }
    /// The unsubscribe keys (`TENURE_UNSUBSCRIBE_SECRETS`; none: the database's own).
    var privacySecrets: PrivacySecrets { get }
}

extension AppArguments {
    public var clock: Clock { .system }
    public var dailyEvaluation: Bool { true }
    public var chartJSPath: String { debianChartJSPath }
    public var idleTimeout: Int { 60 }
    public var outbound: OutboundSettings { OutboundSettings() }
    public var deliversWebhooks: Bool { true }
    public var privacySecrets: PrivacySecrets { PrivacySecrets(unsubscribe: []) }
    public var dailyRetention: Bool { true }
}

/// Builds the whole server over the storage `openStorage` gives (opened after the metrics system starts, since a
/// backend makes its metrics as it opens): services, routes and middleware. Used by `tenure serve` and by the tests.
public func buildApplication(
    _ arguments: some AppArguments,
    openStorage: (Logger) async throws -> any Storage
) async throws -> some ApplicationProtocol {
    Metrics.bootstrap()
    var logger = Logger(label: "tenure")
    logger.logLevel = arguments.logLevel
    let storage = try await openStorage(logger)
    let services = Services(
        storage: storage,
        clock: arguments.clock,
        currency: arguments.currency,
        outbound: arguments.outbound,
        privacy: arguments.privacySecrets
    )
    try await PrivacySecrets.ensure(in: storage)
    if let secret = arguments.bootstrapAdminKey, !secret.isEmpty, try await services.keys.bootstrapAdmin(secret: secret) {
        logger.notice("keys.bootstrap_admin_created")
    }
    try await services.webhooks.applyStoredCRMContractBlocks()
    let router = buildRouter(services, arguments)
    return Application(
        router: router,
        server: .http1(configuration: .init(idleTimeout: .seconds(Int64(arguments.idleTimeout)))),
        configuration: .init(address: .hostname(arguments.host, port: arguments.port), serverName: "Tenure"),
        // Shut down in reverse order: the daily evaluation and the webhook deliveries stop before the storage closes.
        services: [StorageService(storage: storage, logger: logger)]
            + (arguments.deliversWebhooks ? backgroundWork(services, arguments, logger: logger) : [])
            + (arguments.dailyEvaluation
                ? [DailyJob(name: "health.daily_evaluation", clock: arguments.clock, logger: logger, work: services.health.evaluateTodayIfMissing)]
                : [])
            + (arguments.dailyRetention
                ? [DailyJob(name: "privacy.daily_retention", clock: arguments.clock, logger: logger, work: services.retention.runTodayIfMissing)]
                : []),
        logger: logger
    )
}

func buildRouter(_ services: Services, _ arguments: some AppArguments) -> Router<AppRequestContext> {
    let router = Router(context: AppRequestContext.self)
    router.add(middleware: ProblemMiddleware(clock: services.clock))
    router.add(middleware: LogRequestsMiddleware(.info))
    router.add(middleware: MetricsMiddleware())
    let table = RouteTable(router)
    let gate = Gate(
        storage: services.storage,
        keys: services.keys,
        rateLimiter: RateLimiter(perSecond: arguments.rateLimit),
        idempotency: services.idempotency,
        clock: services.clock
    )
    for routes in controllers(services, gate, webhookSecrets: arguments.webhookSecrets, chartJSPath: arguments.chartJSPath) {
        table.addRoutes(routes)
    }
    // Last, so that it sees the 404 of a path no route has with this method.
    router.add(middleware: MethodNotAllowedMiddleware(routes: table.methods))
    return router
}

/// What runs beside the API: webhook deliveries, automation runs and the event clock.
func backgroundWork(_ services: Services, _ arguments: some AppArguments, logger: Logger) -> [any Service] {
    let rendering = EventRenderer(log: services.events)
    return [
        DeliveryWorker(
            queue: services.deliveries,
            rendering: rendering,
            sender: WebhookSender(allowPrivate: arguments.outbound.allowPrivate),
            clock: arguments.clock,
            logger: logger
        ),
        AutomationWorker(
            runner: services.automationRunner,
            documents: AutomationDocumentsReader(rendering: rendering, accounts: services.accounts, clock: arguments.clock),
            logger: logger
        ),
        EventClockService(eventClock: services.eventClock, log: services.events, clock: arguments.clock, logger: logger),
    ]
}

/// Every controller's routes.
func controllers(_ services: Services, _ gate: Gate, webhookSecrets: WebhookSecrets, chartJSPath: String) -> [RouteCollection<AppRequestContext>] {
    let counters = WebhookCounters()
    return [
        PlatformController(storage: services.storage, audit: services.audit, gate: gate, metrics: Metrics.registry).routes,
        PagesController(chartJSPath: chartJSPath, gate: gate).routes,
        AccountController(accounts: services.accounts, gate: gate).routes,
        ContactController(contacts: services.contacts, accessLog: services.accessLog, gate: gate).routes,
        ConsentController(consents: services.consents, accessLog: services.accessLog, gate: gate).routes,
        KeyController(keys: services.keys, gate: gate).routes,
        PrivacyController(privacy: services.privacy, retention: services.retention, accessLog: services.accessLog, gate: gate).routes,
        UnsubscribeController(preferences: services.preferences, publicURL: webhookSecrets.publicURL, gate: gate).routes,
        ActivityController(activities: services.activities, gate: gate).routes,
        OpportunityController(pipeline: services.pipeline, gate: gate).routes,
        PipelineMetricsController(pipeline: services.pipeline, gate: gate).routes,
        SummaryController(metrics: services.metrics, currency: services.currency, gate: gate).routes,
        SettingsController(pipeline: services.pipeline, webhooks: services.webhooks, gate: gate).routes,
        ImportController(imports: services.imports, gate: gate).routes,
        RevenueController(lifecycle: services.lifecycle, currency: services.currency, gate: gate).routes,
        SupportController(support: services.support, gate: gate).routes,
        HealthController(health: services.health, gate: gate).routes,
        TaskController(tasks: services.tasks, gate: gate).routes,
        ForecastController(forecast: services.forecast, gate: gate).routes,
        WebhookController(webhooks: services.webhooks, secrets: webhookSecrets, gate: gate, counters: counters).routes,
        CRMWebhookController(webhooks: services.webhooks, secrets: webhookSecrets, gate: gate, counters: counters).routes,
        EventController(log: services.events, gate: gate).routes,
        WebhookEndpointController(endpoints: services.webhookEndpoints, gate: gate).routes,
        LeadController(
            leads: services.leads,
            engagement: services.engagement,
            segments: services.segments,
            accessLog: services.accessLog,
            gate: gate
        ).routes,
        DuplicateController(duplicates: services.duplicates, accessLog: services.accessLog, gate: gate).routes,
        AutomationController(automations: services.automations, log: services.events, accounts: services.accounts, gate: gate).routes,
    ]
}

/// A job run on start when today has not had it, then shortly after each UTC midnight: the health evaluation, the
/// retention run. `work` answers whether it ran (another node may have).
struct DailyJob: Service {
    let name: String
    let clock: Clock
    let logger: Logger
    let work: @Sendable () async throws -> Bool

    func run() async throws {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                let now = clock.now()
                var wait = now.startOfUTCDay.addingTimeInterval(86_400 + 60).timeIntervalSince(now)
                do {
                    if try await work() { logger.info("\(name)") }
                } catch {
                    logger.error("\(name)_failed", metadata: ["error": "\(error)"])
                    wait = min(wait, 300)  // try again in 5 minutes, e.g. once a full disk has space again
                }
                try? await Task.sleep(for: .seconds(max(1, wait)))
            }
        }
    }
}

/// Closes the storage after the HTTP server has stopped, so queued writes finish.
struct StorageService: Service {
    let storage: any Storage
    let logger: Logger

    func run() async throws {
        try? await gracefulShutdown()
        await storage.close()
        logger.info("db.closed")
    }
}
