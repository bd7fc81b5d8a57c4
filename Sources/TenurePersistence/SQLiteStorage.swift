import Foundation
import Logging
import Migrations
import SQLiteStore
import TenureCore
import TenureMigrations
import TenureServices

/// Tenure's storage on one SQLite file: the `Storage` seam implemented over `SQLiteStore.Database`.
public final class SQLiteStorage: Storage {
    public let database: Database
    let migrator = SQLiteStorage.migrator
    let caches = ReadCaches()
    let snapshots = SnapshotMemo()
    let writerSnapshots = WriterSnapshotLists()

    /// Every migration this binary knows, in order.
    public static let migrator = Migrator(migrations: TenureMigrations.all.map { Migration(name: $0.name, sql: $0.sql) })

    /// Opens the database; with `migrate` applies pending migrations, otherwise refuses to open an out-of-date schema.
    public init(path: String, durability: Durability, migrate: Bool, logger: Logger) async throws {
        database = try Database(path: path, durability: durability, logger: logger)
        let migrator = self.migrator
        do {
            let applied = try await database.withWriterConnection { connection in
                if migrate { return try migrator.migrate(on: connection) }
                let pending = try migrator.pending(on: connection)
                if !pending.isEmpty { throw MigrationError.pending(pending.map(\.name)) }
                return []
            }
            if !applied.isEmpty { logger.info("db.migrated", metadata: ["db.migrations": "\(applied.joined(separator: ","))"]) }
        } catch {
            await database.close()
            throw error
        }
    }

    public func read<T: Sendable>(_ body: @escaping @Sendable (any Transaction) async throws -> T) async throws -> T {
        let (caches, snapshots) = (self.caches, self.snapshots)
        return try await translatingErrors {
            try await database.read { try await body(SQLiteTransaction(connection: $0, snapshots: snapshots, caches: caches)) }
        }
    }

    public func write<T: Sendable>(_ body: @escaping @Sendable (any Transaction) async throws -> T) async throws -> T {
        let (snapshots, written) = (self.snapshots, self.writerSnapshots)
        return try await translatingErrors {
            try await database.write { try await body(SQLiteTransaction(connection: $0, snapshots: snapshots, writerSnapshots: written)) }
        }
    }

    public func isReady() async -> Bool {
        let migrator = self.migrator
        let pending = try? await database.read { connection in try migrator.pending(on: connection).count }
        return pending == 0
    }

    public func close() async { await database.close() }

    /// SQLite's errors stop here: storage failures become `StorageUnavailable` (503), a unique violation a conflict (409).
    private func translatingErrors<T>(_ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch let error as SQLiteError where error.isStorageFailure {
            throw StorageUnavailable(reason: error.description)
        } catch let error as SQLiteError where error.isUniqueViolation {
            throw ServiceError.conflict("a record with the same unique value already exists")
        }
    }
}

/// The records of one transaction on one connection.
struct SQLiteTransaction: Transaction {
    let connection: Connection
    let snapshots: SnapshotMemo
    /// The shared company-wide reads, in read transactions.
    var caches: ReadCaches?
    /// The writer's copy of each subscription's snapshots, in write transactions.
    var writerSnapshots: WriterSnapshotLists?

    var accounts: any AccountRecords { SQLiteAccountRecords(db: connection) }
    var contacts: any ContactRecords { SQLiteContactRecords(db: connection) }
    var activities: any ActivityRecords { SQLiteActivityRecords(db: connection) }
    var apiKeys: any APIKeyRecords { SQLiteAPIKeyRecords(db: connection) }
    var auditLog: any AuditRecords { SQLiteAuditRecords(db: connection) }
    var idempotency: any IdempotencyRecords { SQLiteIdempotencyRecords(db: connection) }
    var opportunities: any OpportunityRecords { SQLiteOpportunityRecords(db: connection, cache: caches?.pipeline) }
    var settings: any SettingsRecords { SQLiteSettingsRecords(db: connection) }
    var webhookEvents: any WebhookEventRecords { SQLiteWebhookEventRecords(db: connection) }
    var contracts: any ContractRecords {
        SQLiteContractRecords(db: connection, memo: snapshots, cache: caches?.contracts, written: writerSnapshots)
    }
    var payments: any PaymentRecords { SQLitePaymentRecords(db: connection) }
    var acquisitionSpend: any AcquisitionSpendRecords { SQLiteAcquisitionSpendRecords(db: connection) }
    var ledger: any LedgerRecords { SQLiteLedgerRecords(db: connection, cache: caches?.ledger) }
    var usage: any UsageRecords { SQLiteUsageRecords(db: connection) }
    var cases: any CaseRecords { SQLiteCaseRecords(db: connection) }
    var surveys: any SurveyRecords { SQLiteSurveyRecords(db: connection) }
    var health: any HealthRecords { SQLiteHealthRecords(db: connection, cache: caches?.health) }
    var tasks: any TaskRecords { SQLiteTaskRecords(db: connection) }

    func wonAccounts() throws -> WonAccounts {
        let ledger = SQLiteLedgerRecords(db: connection, cache: caches?.ledger)
        let contracts = SQLiteContractRecords(db: connection, memo: snapshots, cache: caches?.contracts)
        let health = SQLiteHealthRecords(db: connection, cache: caches?.health)
        func join() throws -> WonCopy { WonCopy(ledger: try ledger.copy(), contracts: try contracts.all(), health: try health.copy()) }
        let copy = try caches?.won.value(in: connection, read: join) ?? join()
        return WonAccounts(copy.accounts, version: copy.version)
    }

    /// SQLite runs one write at a time (one writer connection, `BEGIN IMMEDIATE`): every write already holds every lock.
    func lock(_ lock: WriteLock) throws {}

    func nested<T>(_ body: () async throws -> T) async throws -> T { try await connection.savepoint(body) }
}
