/// Every use case over one storage, one clock and one reporting currency: the API, the demo and the tests use this set.
public struct Services: Sendable {
    public let storage: any Storage
    public let clock: Clock
    /// The reporting currency, lowercase ISO 4217.
    public let currency: String
    public let accounts: AccountService
    public let contacts: ContactService
    public let consents: ConsentService
    public let accessLog: AccessLogService
    public let preferences: PreferenceService
    public let privacy: PrivacyService
    public let retention: RetentionService
    public let activities: ActivityService
    public let keys: KeyService
    public let audit: AuditService
    public let idempotency: IdempotencyService
    public let pipeline: PipelineService
    public let lifecycle: LifecycleService
    public let support: SupportService
    public let health: HealthService
    public let tasks: TaskService
    public let metrics: MetricsService
    public let webhooks: WebhookService
    public let imports: ImportService
    public let events: EventLog
    public let webhookEndpoints: WebhookEndpointService
    public let deliveries: DeliveryQueue
    public let automations: AutomationService
    public let automationRunner: AutomationRunner
    public let eventClock: EventClock
    public let leads: LeadService
    public let engagement: EngagementService
    public let segments: SegmentService
    public let duplicates: DuplicateService
    public let forecast: ForecastService

    public init(
        storage: any Storage,
        clock: Clock,
        currency: String,
        outbound: OutboundSettings = OutboundSettings(),
        privacy: PrivacySecrets = PrivacySecrets(unsubscribe: [])
    ) {
        self.storage = storage
        self.clock = clock
        self.currency = currency
        accounts = AccountService(storage: storage, clock: clock, currency: currency)
        lifecycle = LifecycleService(storage: storage, clock: clock, currency: currency)
        support = SupportService(storage: storage, clock: clock)
        health = HealthService(storage: storage, clock: clock)
        tasks = TaskService(storage: storage, clock: clock)
        metrics = MetricsService(storage: storage)
        contacts = ContactService(storage: storage, clock: clock)
        consents = ConsentService(storage: storage, clock: clock)
        accessLog = AccessLogService(storage: storage)
        preferences = PreferenceService(storage: storage, clock: clock, secrets: privacy)
        self.privacy = PrivacyService(storage: storage, clock: clock, secrets: privacy)
        retention = RetentionService(storage: storage, clock: clock)
        activities = ActivityService(storage: storage, clock: clock)
        keys = KeyService(storage: storage, clock: clock)
        audit = AuditService(storage: storage)
        idempotency = IdempotencyService(storage: storage, clock: clock)
        pipeline = PipelineService(storage: storage, clock: clock, currency: currency)
        events = EventLog(storage: storage, retentionDays: outbound.eventRetentionDays)
        webhookEndpoints = WebhookEndpointService(storage: storage, clock: clock, settings: outbound)
        deliveries = DeliveryQueue(storage: storage, clock: clock, settings: outbound)
        automations = AutomationService(storage: storage, clock: clock, settings: outbound)
        imports = ImportService(
            storage: storage,
            clock: clock,
            currency: currency,
            accounts: accounts,
            contacts: contacts,
            pipeline: pipeline,
            activities: activities
        )
        eventClock = EventClock(storage: storage, clock: clock)
        leads = LeadService(storage: storage, clock: clock, accounts: accounts, contacts: contacts, pipeline: pipeline)
        engagement = EngagementService(storage: storage, clock: clock)
        segments = SegmentService(storage: storage, clock: clock)
        duplicates = DuplicateService(storage: storage)
        forecast = ForecastService(storage: storage, clock: clock)
        automationRunner = AutomationRunner(storage: storage, clock: clock, settings: outbound, accounts: accounts)
        webhooks = WebhookService(
            storage: storage,
            clock: clock,
            handlers: CRMSync(currency: currency, clock: clock).handlers.merging([.stripe: StripeEventHandler(currency: currency, clock: clock)]) {
                $1
            }
        )
    }
}
