import TenureServices

/// Every use case the API calls, built over one storage and one clock.
struct Services: Sendable {
    let storage: any Storage
    let clock: Clock
    let currency: String
    let accounts: AccountService
    let contacts: ContactService
    let activities: ActivityService
    let keys: KeyService
    let audit: AuditService
    let idempotency: IdempotencyService
    let pipeline: PipelineService
    let lifecycle: LifecycleService
    let support: SupportService
    let health: HealthService
    let metrics: MetricsService
    let webhooks: WebhookService
    let webhookSecrets: WebhookSecrets
    let chartJSPath: String

    init(
        storage: any Storage,
        clock: Clock,
        currency: String = "usd",
        webhookSecrets: WebhookSecrets = WebhookSecrets(),
        chartJSPath: String = debianChartJSPath
    ) {
        self.storage = storage
        self.clock = clock
        self.currency = currency
        accounts = AccountService(storage: storage, clock: clock, currency: currency)
        lifecycle = LifecycleService(storage: storage, clock: clock, currency: currency)
        support = SupportService(storage: storage, clock: clock)
        health = HealthService(storage: storage, clock: clock)
        metrics = MetricsService(storage: storage)
        contacts = ContactService(storage: storage, clock: clock)
        activities = ActivityService(storage: storage, clock: clock)
        keys = KeyService(storage: storage, clock: clock)
        audit = AuditService(storage: storage)
        idempotency = IdempotencyService(storage: storage, clock: clock)
        pipeline = PipelineService(storage: storage, clock: clock, currency: currency)
        webhooks = WebhookService(
            storage: storage,
            clock: clock,
            handlers: [
                .crm: CRMEventHandler(currency: currency, clock: clock), .stripe: StripeEventHandler(currency: currency, clock: clock),
            ]
        )
        self.webhookSecrets = webhookSecrets
        self.chartJSPath = chartJSPath
    }
}

/// The signing secrets of each webhook source; several may be active at once (rotation).
public struct WebhookSecrets: Sendable {
    public var crm: [String]
    public var stripe: [String]

    public init(crm: [String] = [], stripe: [String] = []) {
        self.crm = crm
        self.stripe = stripe
    }
}
