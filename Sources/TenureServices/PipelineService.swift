import Foundation
import TenureCore

/// An opportunity as of an instant: its history up to then and what is derived from it.
public struct OpportunityView: Sendable {
    public var opportunity: Opportunity
    public var history: StageHistory
    public var state: OpportunityState
    public var forecastCategory: ForecastCategory

    init(opportunity: Opportunity, history: StageHistory, state: OpportunityState, settings: PipelineSettings) {
        self.opportunity = opportunity
        self.history = history
        self.state = state
        forecastCategory = ForecastCategory(
            stage: state.stage,
            probability: state.probability,
            override: opportunity.forecastOverride,
            thresholds: settings.forecastThresholds
        )
    }
}

/// The fields a client sends to create an opportunity.
public struct OpportunityInput: Sendable {
    public var accountID: String?
    public var name: String?
    public var amount: Int?
    public var currency: String?
    public var stage: String?
    public var closeDate: String?
    public var owner: String?
    public var type: String?
    public var externalID: String?
    public var createdAt: String?
    public var lostReason: String?
    /// `forecast_category_override`, also taken as `forecast_category`.
    public var forecastCategoryOverride: String?
    public var forecastCategory: String?

    public init(
        accountID: String?,
        name: String?,
        amount: Int?,
        currency: String?,
        stage: String?,
        closeDate: String?,
        owner: String?,
        type: String?,
        externalID: String?,
        createdAt: String?,
        lostReason: String?
    ) {
        self.accountID = accountID
        self.name = name
        self.amount = amount
        self.currency = currency
        self.stage = stage
        self.closeDate = closeDate
        self.owner = owner
        self.type = type
        self.externalID = externalID
        self.createdAt = createdAt
        self.lostReason = lostReason
    }
}

/// Decoded from a request body as the API's decoder presents its keys (`account_id` as `accountId`).
extension OpportunityInput: Decodable {
    enum CodingKeys: String, CodingKey {
        case accountID = "accountId"
        case name
        case amount
        case currency
        case stage
        case closeDate
        case owner
        case type
        case externalID = "externalId"
        case createdAt
        case lostReason
        case forecastCategoryOverride
        case forecastCategory
    }
}

public struct OpportunityChanges: Sendable {
    public var name: FieldUpdate<String> = .keep
    public var amount: FieldUpdate<Int> = .keep
    public var closeDate: FieldUpdate<String> = .keep
    public var owner: FieldUpdate<String> = .keep
    public var type: FieldUpdate<String> = .keep
    /// Refused: a stage changes only through `moveStage`, which records the transition.
    public var stage: FieldUpdate<String> = .keep
    /// `forecast_category_override`, also taken as `forecast_category`; null clears it.
    public var forecastCategoryOverride: FieldUpdate<String> = .keep
    public var forecastCategory: FieldUpdate<String> = .keep

    public init() {}

    /// The override as sent, by either name, and the name it was sent by.
    var forecastOverride: (update: FieldUpdate<String>, field: String) {
        if case .keep = forecastCategoryOverride { return (forecastCategory, "forecast_category") }
        return (forecastCategoryOverride, "forecast_category_override")
    }
}

/// Decoded from a request body as the API's decoder presents its keys (`account_id` as `accountId`).
extension OpportunityChanges: Decodable {
    enum CodingKeys: String, CodingKey {
        case name
        case amount
        case closeDate
        case owner
        case type
        case stage
        case forecastCategoryOverride
        case forecastCategory
    }
}

/// Which opportunities to list; `stage`, `open` and `stalled` are judged as of `asOf`.
public struct OpportunityQuery: Sendable {
    public var filter = OpportunityFilter()
    public var stage: PipelineStage?
    public var open: Bool?
    public var stalled: Bool?

    public init() {}
}

/// The pipeline settings as a client sends them, whole (`PUT /v1/settings/pipeline`).
public struct PipelineSettingsInput: Decodable, Sendable {
    public var stageProbabilities: [String: Double]?
    public var stallDays: Int?
    /// Kept as they are when absent; `null` is no thresholds, and refused.
    public var forecastThresholds: [String: Double]?
    var forecastThresholdsNull = false

    enum CodingKeys: String, CodingKey {
        case stageProbabilities, stallDays, forecastThresholds
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        stageProbabilities = try container.decodeIfPresent([String: Double].self, forKey: .stageProbabilities)
        stallDays = try container.decodeIfPresent(Int.self, forKey: .stallDays)
        forecastThresholds = try container.decodeIfPresent([String: Double].self, forKey: .forecastThresholds)
        forecastThresholdsNull = container.contains(.forecastThresholds) && forecastThresholds == nil
    }
}

/// Opportunities, their stage history, pipeline settings and metrics.
public struct PipelineService: Sendable {
    static let settingsName = "pipeline"

    let storage: any Storage
    let clock: Clock
    let currency: String

    public init(storage: any Storage, clock: Clock, currency: String) {
        self.storage = storage
        self.clock = clock
        self.currency = currency
    }

    public func create(_ input: OpportunityInput, by actor: Actor) async throws -> OpportunityView {
        let now = clock.now()
        let (opportunity, first) = try validated(input, at: now)
        return try await storage.write { tx in
            try await insert(opportunity, startingWith: first, in: tx)
            try await tx.audit(actor, "opportunity.create", "opportunity", opportunity.id, at: now)
            return try await Self.view(opportunity, asOf: now, in: tx)
        }
    }

    /// A new deal from `input`, with the stage it starts in at its `created_at`.
    func validated(_ input: OpportunityInput, at now: Date) throws -> (Opportunity, StageChange) {
        var validator = Validator()
        validator.required(input.accountID, "account_id")
        let fields = OpportunityFields.validated(
            name: input.name,
            amount: input.amount,
            currency: input.currency,
            reportingCurrency: currency,
            closeDate: input.closeDate,
            owner: input.owner,
            type: input.type,
            forecastCategory: input.forecastCategoryOverride ?? input.forecastCategory,
            forecastField: input.forecastCategoryOverride == nil ? "forecast_category" : "forecast_category_override",
            validator: &validator
        )
        let stage = PipelineStage.parse(input.stage, "stage", &validator) ?? .prospecting
        let createdAt = pastInstant(input.createdAt, "created_at", now: now, validator: &validator) ?? now
        if stage == .closedLost, input.lostReason?.trimmingWhitespace().isEmpty ?? true {
            validator.add("lost_reason", "is required for closed_lost")
        }
        validator.maxLength(input.externalID, "external_id", 255)
        try validator.check()
        let opportunity = Opportunity(
            id: Identifier.make("opp", at: now),
            accountID: input.accountID ?? "",
            fields: fields,
            currency: currency,
            externalID: input.externalID,
            createdAt: createdAt,
            at: now
        )
        return (opportunity, StageChange(stage: stage, at: createdAt, lostReason: stage == .closedLost ? input.lostReason : nil))
    }

    /// Stores a new deal of a live account; its external id must be new.
    func insert(_ opportunity: Opportunity, startingWith first: StageChange, in tx: any Transaction) async throws {
        try await requireLiveAccount(opportunity.accountID, in: tx)
        if let externalID = opportunity.externalID { try await tx.lock(.opportunityExternalID(externalID)) }
        if let externalID = opportunity.externalID, let existing = try await tx.opportunities.find(externalID: externalID) {
            throw ServiceError.conflict("an opportunity with external_id \(externalID) already exists", existingID: existing.id)
        }
        try await tx.insert(opportunity, startingWith: first, now: opportunity.updatedAt)
    }

    public func get(_ id: String, asOf: Date) async throws -> OpportunityView {
        try await storage.read { tx in
            guard let opportunity = try await tx.opportunities.find(id: id), opportunity.createdAt <= asOf else {
                throw ServiceError.notFound(resource: "opportunity", id: id)
            }
            return try await Self.view(opportunity, asOf: asOf, in: tx)
        }
    }

    /// Pages through deals in insertion order, keeping those whose state at `asOf` passes the query.
    public func list(_ query: OpportunityQuery, page: PageRequest, asOf: Date) async throws -> Page<OpportunityView> {
        try await storage.read { tx in
            var filter = query.filter
            filter.createdBefore = asOf
            let settings = try await pipelineSettings(in: tx)
            var views: [OpportunityView] = []
            var request = PageRequest(limit: 500, after: page.after)
            while true {
                let candidates = try await tx.opportunities.list(filter, request)
                let changes = try await tx.opportunities.changes(of: candidates.items.map(\.id))
                let activities = try await tx.opportunities.lastActivities(of: candidates.items.map(\.id), asOf: asOf)
                for (index, opportunity) in candidates.items.enumerated() {
                    let history = StageHistory(changes: changes[opportunity.id] ?? [])
                    guard
                        let state = OpportunityState(
                            history: history,
                            createdAt: opportunity.createdAt,
                            lastActivityAt: activities[opportunity.id],
                            asOf: asOf,
                            settings: settings
                        ),
                        query.stage.map({ $0 == state.stage }) ?? true, query.open.map({ $0 == state.isOpen }) ?? true,
                        query.stalled.map({ $0 == state.stalled }) ?? true
                    else { continue }
                    views.append(OpportunityView(opportunity: opportunity, history: history.asOf(asOf), state: state, settings: settings))
                    if views.count == page.limit {
                        let more = index + 1 < candidates.items.count || candidates.next != nil
                        return Page(items: views, next: more ? candidates.positions[index] : nil)
                    }
                }
                guard let next = candidates.next else { return Page(items: views, next: nil) }
                request.after = next
            }
        }
    }

    public func update(_ id: String, _ changes: OpportunityChanges, by actor: Actor) async throws -> OpportunityView {
        guard changes.stage.isKept else { throw ValidationError("stage", "changes only through POST /v1/opportunities/{id}/stage") }
        let now = clock.now()
        return try await storage.write { tx in
            let opportunity = try await update(id, changes, at: now, in: tx)
            try await tx.audit(actor, "opportunity.update", "opportunity", id, at: now)
            return try await Self.view(opportunity, asOf: now, in: tx)
        }
    }

    /// Applies `changes` (never the stage) to the stored deal `id`.
    func update(_ id: String, _ changes: OpportunityChanges, at now: Date, in tx: any Transaction) async throws -> Opportunity {
        guard changes.stage.isKept else { throw ValidationError("stage", "changes only through POST /v1/opportunities/{id}/stage") }
        guard let stored = try await tx.opportunities.find(id: id) else { throw ServiceError.notFound(resource: "opportunity", id: id) }
        var opportunity = stored
        var validator = Validator()
        for (field, isCleared) in [("name", changes.name.isCleared), ("amount", changes.amount.isCleared), ("type", changes.type.isCleared)]
        where isCleared {
            validator.add(field, "must not be null")
        }
        let fields = OpportunityFields.validated(
            name: changes.name.applied(to: opportunity.name),
            amount: changes.amount.applied(to: opportunity.amount),
            currency: currency,
            reportingCurrency: currency,
            closeDate: changes.closeDate.applied(to: opportunity.closeDate),
            owner: changes.owner.applied(to: opportunity.owner),
            type: changes.type.applied(to: opportunity.type.rawValue),
            forecastCategory: changes.forecastOverride.update.applied(to: opportunity.forecastOverride?.rawValue),
            forecastField: changes.forecastOverride.field,
            validator: &validator
        )
        try validator.check()
        opportunity.apply(fields, at: now)
        try await tx.opportunities.update(opportunity)
        try await tx.emitForecastChange(from: stored, to: opportunity, now: now)
        return opportunity
    }

    /// Records a move a person makes now (`API.md`): closed stages are final, `closed_lost` needs a reason, `at` is
    /// not before the latest change nor in the future.
    public func moveStage(
        _ id: String,
        to stageName: String?,
        at atText: String?,
        lostReason: String?,
        by actor: Actor
    ) async throws -> OpportunityView {
        let now = clock.now()
        var validator = Validator()
        validator.required(stageName, "stage")
        let stage = PipelineStage.parse(stageName, "stage", &validator)
        let at = pastInstant(atText, "at", now: now, validator: &validator) ?? now
        validator.maxLength(lostReason, "lost_reason", 500)
        try validator.check()
        return try await storage.write { tx in
            guard let opportunity = try await tx.opportunities.find(id: id), let stage else {
                throw ServiceError.notFound(resource: "opportunity", id: id)
            }
            let recorded = try await tx.opportunities.changes(of: [id])[id] ?? []
            let history = StageHistory(changes: recorded)
            let outcome: StageMoveRule.Outcome
            do {
                outcome = try StageMoveRule.check(history: history, to: stage, at: at, lostReason: lostReason, now: now)
            } catch let error as ClosedStageError {
                throw ServiceError.conflict("the opportunity is \(error.stage.rawValue); a closed deal is reopened by creating a new opportunity")
            }
            if case .move(let change) = outcome {
                try await tx.addStageChange(change, to: opportunity, recorded: recorded, now: now)
                if change.stage == .closedWon { try await RevenueBook.refresh(opportunity.accountID, at: now, in: tx) }
                try await tx.audit(actor, "opportunity.stage", "opportunity", id, at: now)
            }
            return try await Self.view(opportunity, asOf: now, in: tx)
        }
    }

    public func settings() async throws -> PipelineSettings {
        try await storage.read { tx in try await pipelineSettings(in: tx) }
    }

    /// Replaces the settings whole with `input`, once every field is valid.
    public func updateSettings(_ input: PipelineSettingsInput, by actor: Actor) async throws -> PipelineSettings {
        if input.forecastThresholdsNull { throw ValidationError("forecast_thresholds", "must be an object; leave it out to keep the thresholds") }
        let now = clock.now()
        return try await storage.write { tx in
            let settings = try PipelineSettings.validated(
                stageProbabilities: input.stageProbabilities,
                stallDays: input.stallDays,
                forecastThresholds: input.forecastThresholds,
                kept: try await pipelineSettings(in: tx).forecastThresholds
            )
            try await tx.replaceSettings(StoredPipelineSettings(settings), as: Self.settingsName, by: actor, at: now)
            return settings
        }
    }

    /// `GET /v1/metrics/pipeline`: the window `[from, to)` as of `asOf`, over the deals of `accounts` when given (a key
    /// restricted to an owner), sliced by the deal's owner and its account's segment and industry (the same metrics over
    /// a subset).
    public func metrics(
        from: Date,
        to: Date,
        asOf: Date,
        accounts: Set<String>? = nil,
        slice: Slice = Slice(),
        groupBy: SliceDimension? = nil
    ) async throws -> Sliced<PipelineMetrics> {
        try await storage.read { tx in
            let settings = try await pipelineSettings(in: tx)
            return try await tx.slicedDeals(asOf: asOf, slice, groupBy: groupBy, accounts: accounts) {
                PipelineMetrics($0, from: from, to: to, asOf: asOf, settings: settings)
            }
        }
    }

    static func view(_ opportunity: Opportunity, asOf: Date, in tx: any Transaction) async throws -> OpportunityView {
        let history = StageHistory(changes: try await tx.opportunities.changes(of: [opportunity.id])[opportunity.id] ?? [])
        let lastActivity = try await tx.opportunities.lastActivities(of: [opportunity.id], asOf: asOf)[opportunity.id]
        let settings = try await pipelineSettings(in: tx)
        guard
            let state = OpportunityState(
                history: history,
                createdAt: opportunity.createdAt,
                lastActivityAt: lastActivity,
                asOf: asOf,
                settings: settings
            )
        else { throw ServiceError.notFound(resource: "opportunity", id: opportunity.id) }
        return OpportunityView(opportunity: opportunity, history: history.asOf(asOf), state: state, settings: settings)
    }
}

extension Transaction {
    /// Stores a new deal with its first stage (the one it was created in, at its `created_at`).
    func insert(_ opportunity: Opportunity, startingWith first: StageChange, now: Date) async throws {
        try await opportunities.insert(opportunity)
        emitCreated(opportunity, now: now)
        try await addStageChange(first, to: opportunity, recorded: [], now: now)
        if first.stage == .closedWon { try await RevenueBook.refresh(opportunity.accountID, at: now, in: self) }
    }
}

func pipelineSettings(in tx: any Transaction) async throws -> PipelineSettings {
    try await tx.settings.decoded(PipelineService.settingsName, defaults: StoredPipelineSettings(.defaults)).settings
}

/// The stored form of the pipeline settings (stage names as keys).
struct StoredPipelineSettings: Codable {
    var stageProbabilities: [String: Double]
    var stallDays: Int
    /// Absent from settings stored before forecasts: the defaults.
    var forecastThresholds: ForecastThresholds?

    init(_ settings: PipelineSettings) {
        stageProbabilities = Dictionary(uniqueKeysWithValues: settings.stageProbabilities.map { ($0.key.rawValue, $0.value) })
        stallDays = settings.stallDays
        forecastThresholds = settings.forecastThresholds
    }

    var settings: PipelineSettings {
        PipelineSettings(
            stageProbabilities: Dictionary(
                uniqueKeysWithValues: stageProbabilities.compactMap { key, value in PipelineStage(rawValue: key).map { ($0, value) } }
            ),
            stallDays: stallDays,
            forecastThresholds: forecastThresholds ?? .defaults
        )
    }
}

extension FieldUpdate {
    var isCleared: Bool {
        if case .clear = self { return true }
        return false
    }
}
