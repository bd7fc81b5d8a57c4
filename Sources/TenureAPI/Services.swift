import TenureServices

/// Every use case the API calls, built over one storage and one clock.
struct Services: Sendable {
    let storage: any Storage
    let clock: Clock
    let accounts: AccountService
    let contacts: ContactService
    let activities: ActivityService
    let keys: KeyService
    let audit: AuditService
    let idempotency: IdempotencyService

    init(storage: any Storage, clock: Clock) {
        self.storage = storage
        self.clock = clock
        accounts = AccountService(storage: storage, clock: clock)
        contacts = ContactService(storage: storage, clock: clock)
        activities = ActivityService(storage: storage, clock: clock)
        keys = KeyService(storage: storage, clock: clock)
        audit = AuditService(storage: storage)
        idempotency = IdempotencyService(storage: storage, clock: clock)
    }
}
