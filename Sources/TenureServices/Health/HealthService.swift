import Foundation
import TenureCore

/// An account's health computed on the fly at `asOf`: nil evaluation when it is not a customer then.
public struct AccountHealth: Sendable {
    public var account: Account
    public var lifecycleStage: LifecycleStage
    public var asOf: Date
    public var evaluation: HealthEvaluation?
    /// Today's score minus the stored score of 30 days earlier.
    public var trend30d: Int?
    /// The flags raised at `asOf`, each with the time it has been open since (`asOf` when no stored flag is open).
    public var flags: [(code: RiskFlagCode, since: Date)]
}

/// A customer with its latest stored evaluation (`GET /v1/health`).
public struct HealthListItem: Sendable {
    public var account: Account
    public var health: DailyHealth?
    public var trend30d: Int?
    public var openFlags: [RiskFlagCode]
    public var mrr: Int
}

/// An open flag with its account.
public struct RiskView: Sendable {
    public var flag: RiskFlag
    public var account: Account
}

/// What `POST /v1/health/evaluate` did.
public struct EvaluationRun: Sendable, Equatable {
    public var asOf: Date
    public var evaluated = 0
    public var scored = 0
    public var flagsRaised = 0
    public var flagsClosed = 0
    public var tasksCreated = 0
}

/// The health settings as a client sends them, whole (`PUT /v1/settings/health`).
public struct HealthSettingsInput: Decodable, Sendable {
    public var weights: [String: Double]?
    public var bands: Bands?
    public var renewalWindowDays: Int?
    public var execSilenceDays: Int?
    public var userSilenceDays: Int?
    public var championAdoption: Double?
    public var adoptionDrop: Double?
    /// Kept as they are when absent.
    public var expansionSeatRatio: Double?
    public var promoterDays: Int?
    public var usageGrowthRatio: Double?

    public struct Bands: Decodable, Sendable {
        public var green: Double?
        public var yellow: Double?
    }
}

/// Health scores, their history, risk flags and the playbook tasks they create.
public struct HealthService: Sendable {
    /// Accounts evaluated per read and per write: small enough that other writes never wait long for the writer.
    static let chunkSize = 250

    let storage: any Storage
    let clock: Clock
    /// Evaluations run one at a time, so the daily run and a POST never interleave their flag changes.
    let gate = SerialGate()

    public init(storage: any Storage, clock: Clock) {
        self.storage = storage
        self.clock = clock
    }

    public func settings() async throws -> HealthSettings {
        try await storage.read { tx in try await HealthBook.settings(in: tx) }
    }

    /// Replaces the settings whole with `input`, once every field is valid.
    public func updateSettings(_ input: HealthSettingsInput, by actor: Actor) async throws -> HealthSettings {
        let now = clock.now()
        return try await storage.write { tx in
            var validator = Validator()
            let growth = GrowthSettings.validated(
                expansionSeatRatio: input.expansionSeatRatio,
                promoterDays: input.promoterDays,
                usageGrowthRatio: input.usageGrowthRatio,
                kept: try await HealthBook.settings(in: tx).growth,
                &validator
            )
            var settings: HealthSettings
            do {
                settings = try HealthSettings.validated(
                    weights: input.weights,
                    green: input.bands?.green,
                    yellow: input.bands?.yellow,
                    renewalWindowDays: input.renewalWindowDays,
                    execSilenceDays: input.execSilenceDays,
                    userSilenceDays: input.userSilenceDays,
                    championAdoption: input.championAdoption,
                    adoptionDrop: input.adoptionDrop
                )
            } catch let error as ValidationError {
                throw ValidationError(error.errors + validator.errors)
            }
            try validator.check()
            settings.growth = growth
            try await tx.replaceSettings(settings, as: HealthBook.settingsName, by: actor, at: now)
            return settings
        }
    }

    /// Computes the account's health at `asOf` and stores nothing.
    public func accountHealth(_ id: String, asOf: Date) async throws -> AccountHealth {
        try await storage.read { tx in
            guard let account = try await tx.accounts.find(id: id) else { throw ServiceError.notFound(resource: "account", id: id) }
            let stage = try await accountView(account, asOf: asOf, in: tx).lifecycleStage
            guard stage == .customer else { return AccountHealth(account: account, lifecycleStage: stage, asOf: asOf, trend30d: nil, flags: []) }
            let evaluation = try await HealthBook.evaluate(
                account,
                asOf: asOf,
                settings: HealthBook.settings(in: tx),
                targets: HealthBook.targets(in: tx),
                in: tx
            )
            let stored = try await tx.health.flags(account: id, openAt: asOf)
            return AccountHealth(
                account: account,
                lifecycleStage: stage,
                asOf: asOf,
                evaluation: evaluation,
                trend30d: try await tx.health.trend30d(evaluation.score, on: asOf.startOfUTCDay, account: id),
                flags: evaluation.flags.map { code in (code, stored.first { $0.code == code }?.since ?? asOf) }
            )
        }
    }

    /// The account's stored evaluations dated in [from, to).
    /// The account's evaluations from `from` to `to`, at most 3660 days apart.
    public func history(_ id: String, from: Date, to: Date) async throws -> [DailyHealth] {
        guard to.timeIntervalSince(from) <= 3_660 * 86_400 else { throw ValidationError("from", "must be at most 3660 days before to") }
        return try await storage.read { tx in
            guard try await tx.accounts.find(id: id) != nil else { throw ServiceError.notFound(resource: "account", id: id) }
            return try await tx.health.history(account: id, from: from, to: to)
        }
    }

    /// Customers at `filter.asOf` with their latest stored evaluation.
    public func list(_ filter: HealthListFilter, page: PageRequest) async throws -> Page<HealthListItem> {
        try await storage.read { tx in
            let page = try await tx.health.customers(filter, page)
            let ids = page.items.map(\.account.id)
            let movements = try await tx.ledger.movements(of: ids, asOf: filter.asOf)
            let flags = try await tx.health.flags(accounts: ids, openAt: filter.asOf)
            return try await page.asyncMap { item in
                HealthListItem(
                    account: item.account,
                    health: item.health,
                    trend30d: try await item.health.asyncFlatMap { try await tx.health.trend30d($0.score, on: $0.day, account: item.account.id) },
                    openFlags: (flags[item.account.id] ?? []).map(\.code).filter { $0.kind == .risk },
                    mrr: (movements[item.account.id] ?? []).mrr(at: filter.asOf)
                )
            }
        }
    }

    /// Evaluates every customer at `asOf`: stores the day's scores, raises and closes flags, runs playbooks.
    /// Accounts that are not customers at `asOf` lose their open flags.
    public func evaluate(asOf: Date, by actor: Actor) async throws -> EvaluationRun {
        try await gate.run { try await storage.exclusively(Self.evaluationName) { try await evaluateNow(asOf: asOf, by: actor) } }
    }

    /// Evaluates at now unless today already has an evaluation; true when it ran.
    public func evaluateTodayIfMissing() async throws -> Bool {
        let now = clock.now()
        return try await gate.run {
            try await storage.exclusively(Self.evaluationName) {
                guard try await !storage.read({ tx in try await tx.health.hasEvaluation(on: now.startOfUTCDay) }) else { return false }
                _ = try await evaluateNow(asOf: now, by: .system)
                return true
            }
        }
    }

    /// Evaluations run one at a time across every node: on one node the gate orders them, across nodes the storage.
    static let evaluationName = "health.evaluate"

    private func evaluateNow(asOf: Date, by actor: Actor) async throws -> EvaluationRun {
        let (customers, flagged, settings, targets, playbooks) = try await storage.read { tx in
            var ids: [String] = []
            var request = PageRequest(limit: 5_000)
            repeat {
                let page = try await tx.ledger.customers(asOf: asOf, request)
                ids += page.items
                request.after = page.next
            } while request.after != nil
            return (
                ids, try await tx.health.accountsWithOpenFlags(), try await HealthBook.settings(in: tx), try await HealthBook.targets(in: tx),
                try await HealthBook.playbooks(in: tx)
            )
        }
        let customerSet = Set(customers)
        let accounts = customers + flagged.filter { !customerSet.contains($0) }
        var run = EvaluationRun(asOf: asOf)
        for chunk in accounts.chunks(of: Self.chunkSize) {
            let evaluated = try await storage.read { tx in
                try await chunk.asyncCompactMap { id -> (Account, HealthEvaluation?)? in
                    guard let account = try await tx.accounts.find(id: id) else { return nil }
                    let evaluation =
                        customerSet.contains(id)
                        ? try await HealthBook.evaluate(account, asOf: asOf, settings: settings, targets: targets, in: tx) : nil
                    return (account, evaluation)
                }
            }
            run = try await EventSource.$current.withValue(EventSource(.evaluation, id: Timestamp.format(asOf))) { [run] in
                try await storage.write { [run] tx in
                    var run = run
                    for (account, evaluation) in evaluated {
                        let changes = try await HealthBook.record(evaluation, of: account, asOf: asOf, playbooks: playbooks, in: tx)
                        if evaluation != nil { run.evaluated += 1 }
                        if evaluation?.score != nil { run.scored += 1 }
                        run.flagsRaised += changes.flagsRaised
                        run.flagsClosed += changes.flagsClosed
                        run.tasksCreated += changes.tasksCreated
                    }
                    return run
                }
            }
        }
        let final = run
        try await storage.write { tx in try await tx.audit(actor, "health.evaluate", "health", Timestamp.format(asOf), at: clock.now()) }
        return final
    }

    public func risks(_ filter: RiskFilter, page: PageRequest) async throws -> Page<RiskView> {
        try await storage.read { tx in
            try await tx.health.risks(filter, page).asyncMap { flag in
                guard let account = try await tx.accounts.find(id: flag.accountID) else {
                    throw ServiceError.notFound(resource: "account", id: flag.accountID)
                }
                return RiskView(flag: flag, account: account)
            }
        }
    }
}

extension HealthRecords {
    /// `score` on `day` minus the score stored for the day 30 days earlier; nil when either is missing.
    func trend30d(_ score: Int?, on day: Date, account accountID: String) async throws -> Int? {
        guard let score, let earlier = try await on(day: day.addingTimeInterval(-30 * 86_400), account: accountID)?.score else { return nil }
        return score - earlier
    }
}

/// Runs async jobs one after another.
actor SerialGate {
    private var tail: Task<Void, Never>?

    func run<T: Sendable>(_ body: @escaping @Sendable () async throws -> T) async throws -> T {
        let previous = tail
        let job = Task {
            await previous?.value
            return try await body()
        }
        tail = Task { _ = try? await job.value }
        return try await job.value
    }
}
