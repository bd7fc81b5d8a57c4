import Foundation
import TenureCore
import TenureJSON

/// A lead with what is derived at an instant: its score (with the rules that fired) and its owners' history.
public struct LeadView: Sendable {
    public var lead: Lead
    public var score: LeadScore
    public var assignments: [LeadAssignment]
}

/// What every write about a lead does inside its transaction (`LEADS.md`): scoring from the stored events and the
/// current settings, routing with the stored round robin, the follow-up task, auto-qualification, events.
enum LeadBook {
    static func scoringSettings(in tx: any Transaction) async throws -> LeadScoringSettings {
        guard let stored = try await tx.settings.value(LeadSettingsJSON.scoringName), let value = JSONValue.parse(stored) else { return .defaults }
        return try LeadSettingsJSON.scoring(value)
    }

    static func routingSettings(in tx: any Transaction) async throws -> LeadRoutingSettings {
        guard let stored = try await tx.settings.value(LeadSettingsJSON.routingName), let value = JSONValue.parse(stored) else { return .defaults }
        return try LeadSettingsJSON.routing(value)
    }

    /// The leads' views at `asOf`, in their order.
    static func views(_ leads: [Lead], asOf: Date, in tx: any Transaction, settings: LeadScoringSettings? = nil) async throws -> [LeadView] {
        var scoring = settings
        if scoring == nil { scoring = try await scoringSettings(in: tx) }
        let settings = scoring ?? .defaults
        let events = try await tx.engagement.scored(leads: leads.map(\.id))
        let assignments = try await tx.leads.assignments(of: leads.map(\.id))
        return leads.map { lead in
            LeadView(lead: lead, score: settings.score(lead, events: events[lead.id] ?? [], asOf: asOf), assignments: assignments[lead.id] ?? [])
        }
    }

    static func score(_ lead: Lead, asOf: Date, in tx: any Transaction, settings: LeadScoringSettings) async throws -> LeadScore {
        settings.score(lead, events: try await tx.engagement.scored(leads: [lead.id])[lead.id] ?? [], asOf: asOf)
    }

    /// The lead's score now, without its MQL instant: what auto-qualification and routing judge.
    static func currentScore(_ lead: Lead, at now: Date, in tx: any Transaction, settings: LeadScoringSettings) async throws -> Int {
        let counts = try await tx.engagement.counts(leads: [lead.id], countedBy: settings.behaviorRules, asOf: now)
        return settings.currentScore(lead, counts: counts[lead.id] ?? settings.behaviorRules.map { _ in 0 }, asOf: now)
    }

    static func find(_ id: String, in tx: any Transaction) async throws -> Lead {
        guard let lead = try await tx.leads.find(id: id) else { throw ServiceError.notFound(resource: "lead", id: id) }
        return lead
    }

    /// A lead a write may change: not erased (`PRIVACY.md`: an erased person is not revived by an update).
    static func changeable(_ id: String, in tx: any Transaction) async throws -> Lead {
        let lead = try await find(id, in: tx)
        if lead.erasedAt != nil { throw ServiceError.conflict("lead \(id) was erased") }
        return lead
    }

    /// Stores a new lead: its email must be free among open leads; given an owner, that is a manual assignment, else
    /// it is routed; then auto-qualified if its score reaches the threshold.
    static func insert(_ lead: Lead, now: Date, in tx: any Transaction, settings: LeadScoringSettings) async throws {
        var lead = lead
        try await claimEmail(of: lead, in: tx)
        try await tx.leads.insert(lead)
        tx.emit(NewEvent(.leadCreated, account: nil, at: lead.createdAt, subject: EventSubject(.lead, lead.id)), now: now)
        // A new lead has no events yet: its score now is its fit (and an absence rule's, when created long ago).
        let score = settings.currentScore(lead, counts: settings.behaviorRules.map { _ in 0 }, asOf: now)
        if let owner = lead.owner {
            try await tx.leads.assign(lead.id, LeadAssignment(owner: owner, at: now, trigger: .manual, rule: nil))
        } else {
            try await route(&lead, trigger: .create, score: score, at: now, in: tx)
        }
        if settings.autoQualify, lead.status == .new || lead.status == .working, score >= settings.mqlThreshold {
            try await qualify(lead, at: now, now: now, in: tx, settings: settings)
        }
    }

    /// A 409 naming the open lead that has `lead`'s email, if another has it.
    static func claimEmail(of lead: Lead, in tx: any Transaction) async throws {
        try await tx.lock(.unique("lead.email:\(lead.email)"))
        if let existing = try await tx.leads.open(email: lead.email), existing.id != lead.id {
            throw ServiceError.conflict("an open lead has the email \(lead.email)", existingID: existing.id)
        }
    }

    /// Qualifies the `new` and `working` leads whose score now reaches the threshold, when the settings say so (their
    /// events read at once).
    static func autoQualify(_ leads: [Lead], now: Date, in tx: any Transaction, settings: LeadScoringSettings) async throws {
        let open = leads.filter { $0.status == .new || $0.status == .working }
        guard settings.autoQualify, !open.isEmpty else { return }
        let none = settings.behaviorRules.map { _ in 0 }
        let counts = try await tx.engagement.counts(leads: open.map(\.id), countedBy: settings.behaviorRules, asOf: now)
        for lead in open where settings.currentScore(lead, counts: counts[lead.id] ?? none, asOf: now) >= settings.mqlThreshold {
            try await qualify(lead, at: now, now: now, in: tx, settings: settings)
        }
    }

    /// Marks `lead` qualified at `at` and routes it.
    static func qualify(_ lead: Lead, at: Date, now: Date, in tx: any Transaction, settings: LeadScoringSettings) async throws {
        var lead = lead
        lead.status = .qualified
        lead.qualifiedAt = at
        lead.updatedAt = now
        try await route(&lead, trigger: .qualify, score: try await currentScore(lead, at: now, in: tx, settings: settings), at: now, in: tx)
        try await tx.leads.update(lead)
        tx.emit(NewEvent(.leadQualified, account: nil, at: at, subject: EventSubject(.lead, lead.id)), now: now)
    }

    /// Gives `lead` the owner the routing rules name (stored by the caller for an existing lead; a new one is stored
    /// here), records the assignment and gives the owner the follow-up task; nothing when no rule nor fallback names one.
    static func route(_ lead: inout Lead, trigger: AssignmentTrigger, score: Int, at now: Date, in tx: any Transaction) async throws {
        try await tx.lock(.unique("lead.routing"))
        let settings = try await routingSettings(in: tx)
        var turns = try await tx.settings.decoded(LeadSettingsJSON.turnsName, defaults: RoundRobin())
        guard let routing = settings.route(lead, score: score, turns: &turns) else { return }
        try await tx.settings.store(turns, as: LeadSettingsJSON.turnsName)
        lead.owner = routing.owner
        lead.updatedAt = now
        if trigger == .create { try await tx.leads.update(lead) }
        try await tx.leads.assign(lead.id, LeadAssignment(owner: routing.owner, at: now, trigger: trigger, rule: routing.rule))
        guard let hours = settings.followUpHours else { return }
        if var task = try await tx.tasks.openFollowUp(lead: lead.id) {
            task.owner = routing.owner
            task.dueAt = now.addingTimeInterval(Double(hours) * 3_600)
            task.updatedAt = now
            try await tx.tasks.update(task)
        } else {
            let task = SuccessTask.leadFollowUp(id: Identifier.make("task", at: now), lead: lead, owner: routing.owner, at: now, hours: hours)
            try await tx.tasks.insert(task)
            tx.emit(NewEvent(.taskCreated, account: nil, at: now, subject: EventSubject(.task, task.id)), now: now)
        }
    }
}
