import Foundation
import TenureCore
import TenureJSON

/// What a dry run found: whether the trigger and the conditions match the event and the account now, and what the
/// actions would be; nothing stored, emitted or sent.
public struct DryRun: Sendable {
    public var triggerMatched: Bool
    public var matched: Bool
    public var conditions: [AutomationRun.ConditionResult]
    public var actions: [AutomationRun.ActionResult]
}

/// `/v1/automations`: definitions (validated whole), their runs, dry runs.
public struct AutomationService: Sendable {
    let storage: any Storage
    let clock: Clock
    let settings: OutboundSettings

    public func create(_ body: JSONValue, by actor: Actor) async throws -> StoredAutomation {
        let definition = try AutomationDefinition.read(body, allowPrivate: settings.allowPrivate)
        let now = clock.now()
        let stored = Self.stored(definition, body: body, id: Identifier.make("aut", at: now), createdAt: now, at: now)
        try await storage.write { tx in
            try await tx.automations.insert(stored)
            try await tx.audit(actor, "automation.create", "automation", stored.automation.id, at: now)
        }
        return stored
    }

    public func list() async throws -> [StoredAutomation] { try await storage.read { tx in try await tx.automations.all() } }

    public func get(_ id: String) async throws -> StoredAutomation { try await storage.read { tx in try await Self.find(id, in: tx) } }

    /// Replaces the definition whole; disabling cancels the waiting runs.
    public func update(_ id: String, _ body: JSONValue, by actor: Actor) async throws -> StoredAutomation {
        let definition = try AutomationDefinition.read(body, allowPrivate: settings.allowPrivate)
        let now = clock.now()
        return try await storage.write { tx in
            let existing = try await Self.find(id, in: tx)
            let stored = Self.stored(definition, body: body, id: id, createdAt: existing.automation.createdAt, at: now)
            try await tx.automations.update(stored)
            if stored.automation.status == .disabled { try await tx.automationRuns.cancel(unfinishedOf: id, at: now) }
            try await tx.audit(actor, "automation.update", "automation", id, at: now)
            return stored
        }
    }

    public func delete(_ id: String, by actor: Actor) async throws -> StoredAutomation {
        let now = clock.now()
        return try await storage.write { tx in
            let existing = try await Self.find(id, in: tx)
            try await tx.automations.delete(id: id, at: now)
            try await tx.automationRuns.cancel(unfinishedOf: id, at: now)
            try await tx.audit(actor, "automation.delete", "automation", id, at: now)
            return existing
        }
    }

    public func runs(_ filter: AutomationRunFilter, page: PageRequest) async throws -> Page<AutomationRun> {
        try await storage.read { tx in
            if let id = filter.automationID { _ = try await Self.find(id, in: tx) }
            return try await tx.automationRuns.list(filter, page)
        }
    }

    /// The automation `id` (or the definition `body`) tried on `eventID`, with `documents` the event and its account now.
    public func dryRun(
        _ automation: Automation,
        on event: Event,
        documents: (event: JSONValue, account: JSONValue)
    ) -> DryRun {
        let seen = AutomationDocuments(event: documents.event, account: documents.account)
        let triggerMatched = event.type == automation.trigger
        let conditions = seen.results(of: automation.conditions)
        let matched = triggerMatched && conditions.allSatisfy(\.result)
        let actions = automation.actions.enumerated().map { index, action in
            AutomationRun.ActionResult(index: index, type: action.type, status: matched ? .pending : .skipped)
        }
        return DryRun(triggerMatched: triggerMatched, matched: matched, conditions: conditions, actions: actions)
    }

    /// Reads a definition for a dry run, checked as a create would check it.
    public func definition(_ body: JSONValue) throws -> Automation {
        let definition = try AutomationDefinition.read(body, allowPrivate: settings.allowPrivate)
        return Self.stored(definition, body: body, id: "dry_run", createdAt: clock.now(), at: clock.now()).automation
    }

    static func find(_ id: String, in tx: any Transaction) async throws -> StoredAutomation {
        guard let found = try await tx.automations.find(id: id) else { throw ServiceError.notFound(resource: "automation", id: id) }
        return found
    }

    private static func stored(_ definition: AutomationDefinition, body: JSONValue, id: String, createdAt: Date, at now: Date) -> StoredAutomation {
        let automation = Automation(
            id: id,
            name: definition.name,
            trigger: definition.trigger,
            conditions: definition.conditions,
            actions: definition.actions,
            status: definition.status,
            createdAt: createdAt,
            updatedAt: now
        )
        let kept = JSONObject(members: [("conditions", body["conditions"] == .null ? .array([]) : body["conditions"]), ("actions", body["actions"])])
        return StoredAutomation(automation: automation, definition: .object(kept))
    }
}

/// The runs an event starts: one per enabled automation it triggers, recorded with the event. An event an automation
/// caused starts none (no chains).
enum AutomationRuns {
    static func start(_ events: [Event], in tx: any Transaction, at now: Date) async throws {
        let triggering = events.filter { $0.source.kind != .automation }
        guard !triggering.isEmpty else { return }
        let automations = try await tx.automations.all().map(\.automation).filter { $0.status == .enabled }
        guard !automations.isEmpty else { return }
        let runs = triggering.flatMap { event in
            automations.filter { $0.trigger == event.type }.map {
                AutomationRun(id: Identifier.make("run", at: now), automation: $0, eventID: event.id, accountID: event.accountID, at: now)
            }
        }
        try await tx.automationRuns.start(runs)
    }
}
