import Foundation
import TenureCore

/// What one retention run expired.
public struct RetentionRun: Sendable, Equatable {
    public var asOf: Date
    public var activitiesDeleted = 0
    public var webhookPayloadsPurged = 0
    public var auditLogDeleted = 0
    public var accessLogDeleted = 0
    public var leadConsentsDeleted = 0
    public var leadsDeleted = 0

    public init(asOf: Date) { self.asOf = asOf }
}

/// Retention (`PRIVACY.md`): the settings, and the run that expires what they say — in windows of rows, each its own
/// transaction, so that other writes flow between them. Nothing a figure is computed from is touched but activities.
public struct RetentionService: Sendable {
    let storage: any Storage
    let clock: Clock

    static let settingsName = "privacy.retention"
    static let lastRunDay = "privacy.retention_ran_on"
    /// Rows of one table a transaction looks at.
    static let window: Int64 = 500

    public init(storage: any Storage, clock: Clock) {
        self.storage = storage
        self.clock = clock
    }

    public func settings() async throws -> RetentionSettings {
        try await storage.read { tx in try await tx.settings.decoded(Self.settingsName, defaults: RetentionSettings()) }
    }

    public func update(_ settings: RetentionSettings, by actor: Actor) async throws -> RetentionSettings {
        var validator = Validator()
        settings.check(&validator)
        try validator.check()
        let now = clock.now()
        try await storage.write { tx in
            try await tx.settings.store(settings, as: Self.settingsName)
            try await tx.audit(actor, "settings.update", "retention_settings", nil, at: now)
        }
        return settings
    }

    public func run(asOf: Date, by actor: Actor) async throws -> RetentionRun {
        let settings = try await settings()
        let now = clock.now()
        var run = RetentionRun(asOf: asOf)
        let cutoff = { (days: Int?) in RetentionSettings.cutoff(days: days, asOf: asOf) }
        if let before = cutoff(settings.activitiesDays) { run.activitiesDeleted = try await expire(.activities, before: before) }
        if let before = cutoff(settings.auditLogDays) { run.auditLogDeleted = try await expire(.auditLog, before: before) }
        if let before = cutoff(settings.accessLogDays) { run.accessLogDeleted = try await expire(.accessLog, before: before) }
        if let before = cutoff(settings.webhookPayloadsDays) {
            run.webhookPayloadsPurged = try await windows(of: .webhookEvents) { tx, after, through in
                try await tx.privacy.purgePayloads(before: before, after: after, through: through, at: now)
            }
        }
        if let before = cutoff(settings.leadsDays) {
            while true {
                let deleted = try await storage.write { tx in try await tx.privacy.deleteExpiredLeads(latestBefore: before, limit: 500) }
                run.leadsDeleted += deleted
                if deleted == 0 { break }
            }
            while true {
                let deleted = try await storage.write { tx in try await tx.privacy.deleteLeadConsents(latestBefore: before, limit: 500) }
                run.leadConsentsDeleted += deleted
                if deleted == 0 { break }
            }
        }
        try await storage.write { tx in try await tx.audit(actor, "retention.run", "retention", nil, at: now) }
        return run
    }

    /// The daily run: once per UTC day across nodes, as of now. Whether it ran.
    public func runTodayIfMissing() async throws -> Bool {
        let now = clock.now()
        let today = Timestamp.formatDate(now)
        let claimed = try await storage.write { tx in
            try await tx.lock(.once(Self.lastRunDay))
            guard try await tx.settings.value(Self.lastRunDay) != Array(today.utf8) else { return false }
            try await tx.settings.setValue(Self.lastRunDay, Array(today.utf8))
            return true
        }
        if claimed { _ = try await run(asOf: now, by: .system) }
        return claimed
    }

    private func expire(_ table: PersonalTable, before cutoff: Date) async throws -> Int {
        try await windows(of: table) { tx, after, through in
            try await tx.privacy.deleteExpired(table, before: cutoff, after: after, through: through)
        }
    }

    /// Runs `body` over the table's rows as they stand now, one window of insertion order per transaction; the sum.
    private func windows(
        of table: PersonalTable,
        _ body: @escaping @Sendable (any Transaction, Int64, Int64) async throws -> Int
    )
        async throws -> Int
    {
        let last = try await storage.read { tx in try await tx.privacy.lastSequence(of: table) }
        var total = 0
        var after: Int64 = 0
        while after < last {
            let through = min(after + Self.window, last)
            let (from, to) = (after, through)
            total += try await storage.write { tx in try await body(tx, from, to) }
            after = through
        }
        return total
    }
}
