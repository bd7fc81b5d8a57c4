import Foundation
import SQLiteStore
import TenureServices

/// The records of one transaction on one connection.
package struct SQLTransaction: Transaction {
    let db: any SQLConnection
    let snapshots: SnapshotMemo
    /// The shared company-wide reads, in read transactions.
    var caches: ReadCaches?
    /// SQLite's writer's copy of each subscription's snapshots, with the writer's connection, in its write transactions.
    var writerSnapshots: (connection: Connection, lists: WriterSnapshotLists)?
    /// The events of a write (a read records none).
    package let outbox: EventOutbox

    package init(db: any SQLConnection, snapshots: SnapshotMemo, caches: ReadCaches? = nil, source: EventSource = EventSource.current) {
        self.db = db
        self.snapshots = snapshots
        self.caches = caches
        outbox = EventOutbox(source: source)
    }

    init(db: Connection, snapshots: SnapshotMemo, writerSnapshots: WriterSnapshotLists, source: EventSource) {
        self.init(db: db, snapshots: snapshots, source: source)
        self.writerSnapshots = (db, writerSnapshots)
    }

    package var accounts: any AccountRecords { SQLAccountRecords(db: db, slices: caches?.slices) }
    package var contacts: any ContactRecords { SQLContactRecords(db: db) }
    package var consents: any ConsentRecords { SQLConsentRecords(db: db) }
    package var privacy: any PrivacyRecords { SQLPrivacyRecords(db: db) }
    package var activities: any ActivityRecords { SQLActivityRecords(db: db) }
    package var apiKeys: any APIKeyRecords { SQLAPIKeyRecords(db: db) }
    package var auditLog: any AuditRecords { SQLAuditRecords(db: db) }
    package var accessLog: any AccessLogRecords { SQLAccessLogRecords(db: db) }
    package var idempotency: any IdempotencyRecords { SQLIdempotencyRecords(db: db) }
    package var opportunities: any OpportunityRecords { SQLOpportunityRecords(db: db, cache: caches?.pipeline) }
    package var settings: any SettingsRecords { SQLSettingsRecords(db: db) }
    package var webhookEvents: any WebhookEventRecords { SQLWebhookEventRecords(db: db) }
    package var contracts: any ContractRecords {
        SQLContractRecords(db: db, memo: snapshots, cache: caches?.contracts, written: writerSnapshots)
    }
    package var payments: any PaymentRecords { SQLPaymentRecords(db: db) }
    package var acquisitionSpend: any AcquisitionSpendRecords { SQLAcquisitionSpendRecords(db: db) }
    package var ledger: any LedgerRecords { SQLLedgerRecords(db: db, cache: caches?.ledger) }
    package var usage: any UsageRecords { SQLUsageRecords(db: db) }
    package var cases: any CaseRecords { SQLCaseRecords(db: db) }
    package var surveys: any SurveyRecords { SQLSurveyRecords(db: db) }
    package var health: any HealthRecords { SQLHealthRecords(db: db, cache: caches?.health) }
    package var tasks: any TaskRecords { SQLTaskRecords(db: db) }
    package var events: any EventRecords { SQLEventRecords(db: db) }
    package var webhookEndpoints: any WebhookEndpointRecords { SQLWebhookEndpointRecords(db: db) }
    package var webhookDeliveries: any WebhookDeliveryRecords { SQLWebhookDeliveryRecords(db: db) }
    package var automations: any AutomationRecords { SQLAutomationRecords(db: db) }
    package var automationRuns: any AutomationRunRecords { SQLAutomationRunRecords(db: db) }
    package var leads: any LeadRecords { SQLLeadRecords(db: db) }
    package var engagement: any EngagementRecords { SQLEngagementRecords(db: db) }
    package var segments: any SegmentRecords { SQLSegmentRecords(db: db) }
    package var targets: any TargetRecords { SQLTargetRecords(db: db) }

    package func wonAccounts() async throws -> WonAccounts {
        let ledger = SQLLedgerRecords(db: db, cache: caches?.ledger)
        let contracts = SQLContractRecords(db: db, memo: snapshots, cache: caches?.contracts)
        let health = SQLHealthRecords(db: db, cache: caches?.health)
        func join() async throws -> WonCopy {
            WonCopy(ledger: try await ledger.copy(), contracts: try await contracts.all(), health: try await health.copy())
        }
        let copy = try await (caches?.won).value(in: db, read: join)
        return WonAccounts(copy.accounts, version: copy.version)
    }

    package func slicedHistories() async throws -> SlicedHistories {
        let ledger = SQLLedgerRecords(db: db, cache: caches?.ledger)
        let accounts = SQLAccountRecords(db: db, slices: caches?.slices)
        func join() async throws -> SlicedHistories {
            SlicedHistories(movements: try await ledger.copy().movements, values: try await accounts.sliceValues())
        }
        return try await (caches?.slicedHistories).value(in: db, read: join)
    }

    package func lock(_ lock: WriteLock) async throws { try await db.lock(lock) }

    package func nested<T>(_ body: () async throws -> T) async throws -> T { try await outbox.nested { try await db.nested(body) } }

    /// Runs a write's body, then stores the events it recorded, in the same transaction. The body sees the
    /// `AccountVisibility` of the task that asked for the write (a backend may run it on a task of its own).
    package func writing<T>(_ body: (any Transaction) async throws -> T, visibility: AccountVisibility?) async throws -> T {
        let result = try await AccountVisibility.$current.withValue(visibility) { try await body(self) }
        try await outbox.record(in: self)
        return result
    }
}
