import Foundation
import TenureCore
import TenureJSON

/// What `GET /v1/leads` filters on besides the stored fields: scores judged at `asOf`.
public struct LeadQuery: Sendable {
    public var filter = LeadFilter()
    public var mql: Bool?
    public var minScore: Int?
    public var sortByScore = false

    public init() {}
}

/// Leads (`LEADS.md`): created alone or in batches, changed, qualified, disqualified and converted through the one door;
/// scored on read from their engagement and the current settings.
public struct LeadService: Sendable {
    let storage: any Storage
    let clock: Clock
    let accounts: AccountService
    let contacts: ContactService
    let pipeline: PipelineService

    public init(storage: any Storage, clock: Clock, accounts: AccountService, contacts: ContactService, pipeline: PipelineService) {
        self.storage = storage
        self.clock = clock
        self.accounts = accounts
        self.contacts = contacts
        self.pipeline = pipeline
    }

    public static let batchLimit = 10_000

    public func create(_ input: LeadInput, by actor: Actor) async throws -> LeadView {
        try await createBatch([input], by: actor, itemPrefix: nil)[0]
    }

    /// All or nothing: a bad item or an email twice → 422 naming it (`leads[3].email`); an open lead's email → 409.
    public func createBatch(_ inputs: [LeadInput], by actor: Actor, itemPrefix: String? = "leads") async throws -> [LeadView] {
        let now = clock.now()
        guard inputs.count <= Self.batchLimit else { throw ValidationError(itemPrefix ?? "leads", "holds at most \(Self.batchLimit) leads") }
        var leads: [Lead] = []
        var errors: [FieldError] = []
        var emails: [String: Int] = [:]
        for (index, input) in inputs.enumerated() {
            let at = itemPrefix.map { "\($0)[\(index)]" }
            do {
                let lead = try input.validated(now: now)
                if let first = emails[lead.email] {
                    errors.append(FieldError("\(at ?? "leads").email", "is the email of \(itemPrefix ?? "leads")[\(first)] too"))
                }
                emails[lead.email] = emails[lead.email] ?? index
                leads.append(lead)
            } catch let error as ValidationError {
                errors += at.map { error.nested(under: $0).errors } ?? error.errors
            }
        }
        try ValidationError.check(errors)
        let checked = leads
        return try await storage.write { tx in
            let settings = try await LeadBook.scoringSettings(in: tx)
            for lead in checked {
                try await LeadBook.insert(lead, now: now, in: tx, settings: settings)
                try await tx.audit(actor, "lead.create", "lead", lead.id, at: now)
            }
            return try await LeadBook.views(try await checked.asyncMap { try await LeadBook.find($0.id, in: tx) }, asOf: now, in: tx)
        }
    }

    public func get(_ id: String, asOf: Date) async throws -> LeadView {
        try await storage.read { tx in
            let lead = try await LeadBook.find(id, in: tx)
            return try await LeadBook.views([lead], asOf: asOf, in: tx)[0]
        }
    }

    /// Insertion order, or by score (highest first, ties in insertion order); `mql` and `min_score` judge the score at
    /// `asOf`, so those lists score every lead the stored filters pass.
    public func list(_ query: LeadQuery, page: PageRequest, asOf: Date) async throws -> Page<LeadView> {
        var stored = query.filter
        stored.createdUpTo = asOf
        let filter = stored
        return try await storage.read { tx in
            guard query.sortByScore || query.mql != nil || query.minScore != nil else {
                let stored = try await tx.leads.list(filter, page)
                return Page(items: try await LeadBook.views(stored.items, asOf: asOf, in: tx), next: stored.next, positions: stored.positions)
            }
            let all = try await tx.leads.all(filter)
            let views = try await LeadBook.views(all.map(\.lead), asOf: asOf, in: tx)
            let ranked = zip(views, all.map(\.position)).filter { view, _ in
                (query.mql.map { view.score.mql == $0 } ?? true) && (query.minScore.map { view.score.score >= $0 } ?? true)
            }.map { view, position in (item: view, at: PageCursor(key: query.sortByScore ? Int64(view.score.score) : 0, seq: position.seq)) }
            return Page.ranked(ranked, descending: true, page)
        }
    }

    public func score(_ id: String, asOf: Date) async throws -> LeadScore {
        try await storage.read { tx in
            let lead = try await LeadBook.find(id, in: tx)
            guard asOf >= lead.createdAt else { throw ValidationError("as_of", "is before the lead was created") }
            return try await LeadBook.score(lead, asOf: asOf, in: tx, settings: try await LeadBook.scoringSettings(in: tx))
        }
    }

    /// Create's fields but `created_at`; `status` only `new`/`working` (reopening a disqualified lead, checking its email).
    public func update(_ id: String, _ changes: LeadChanges, by actor: Actor) async throws -> LeadView {
        let now = clock.now()
        if !changes.createdAt.isKept { throw ValidationError("created_at", "cannot be changed") }
        return try await storage.write { tx in
            let current = try await LeadBook.changeable(id, in: tx)
            guard current.status != .converted else { throw ServiceError.conflict("lead \(id) was converted") }
            var lead = current
            var validator = Validator()
            LeadInput.patched(current, changes).apply(to: &lead, &validator)
            if changes.status.isKept { lead.status = current.status }
            try validator.check()
            lead.updatedAt = now
            if lead.status.isOpen, lead.email != current.email || !current.status.isOpen { try await LeadBook.claimEmail(of: lead, in: tx) }
            if lead.status.isOpen, !current.status.isOpen {
                lead.disqualifiedAt = nil
                lead.disqualifyReason = nil
            }
            try await tx.leads.update(lead)
            if lead.owner != current.owner {
                try await tx.leads.assign(lead.id, LeadAssignment(owner: lead.owner, at: now, trigger: .manual, rule: nil))
            }
            try await tx.audit(actor, "lead.update", "lead", id, at: now)
            try await LeadBook.autoQualify([lead], now: now, in: tx, settings: try await LeadBook.scoringSettings(in: tx))
            return try await LeadBook.views([try await LeadBook.find(id, in: tx)], asOf: now, in: tx)[0]
        }
    }

    public func qualify(_ id: String, at text: String?, by actor: Actor) async throws -> LeadView {
        let now = clock.now()
        return try await storage.write { tx in
            let lead = try await LeadBook.changeable(id, in: tx)
            let at = try Self.actionInstant(text, lead: lead, now: now)
            switch lead.status {
            case .converted, .disqualified: throw ServiceError.conflict("lead \(id) is \(lead.status.rawValue)")
            case .qualified: break
            case .new, .working:
                try await LeadBook.qualify(lead, at: at, now: now, in: tx, settings: try await LeadBook.scoringSettings(in: tx))
                try await tx.audit(actor, "lead.qualify", "lead", id, at: now)
            }
            return try await LeadBook.views([try await LeadBook.find(id, in: tx)], asOf: now, in: tx)[0]
        }
    }

    public func disqualify(_ id: String, reason: String?, at text: String?, by actor: Actor) async throws -> LeadView {
        let now = clock.now()
        var validator = Validator()
        validator.required(reason?.trimmingWhitespace().isEmpty == false ? reason : nil, "reason")
        validator.maxLength(reason, "reason", 500)
        try validator.check()
        return try await storage.write { tx in
            var lead = try await LeadBook.changeable(id, in: tx)
            let at = try Self.actionInstant(text, lead: lead, now: now)
            switch lead.status {
            case .converted: throw ServiceError.conflict("lead \(id) is converted")
            case .disqualified: break
            case .new, .working, .qualified:
                lead.status = .disqualified
                lead.disqualifiedAt = at
                lead.disqualifyReason = reason?.trimmingWhitespace()
                lead.updatedAt = now
                try await tx.leads.update(lead)
                tx.emit(NewEvent(.leadDisqualified, account: nil, at: at, subject: EventSubject(.lead, id)), now: now)
                try await tx.audit(actor, "lead.disqualify", "lead", id, at: now)
            }
            return try await LeadBook.views([lead], asOf: now, in: tx)[0]
        }
    }

    /// An action's `at`: now when absent; not before the lead was created, not in the future.
    static func actionInstant(_ text: String?, lead: Lead, now: Date) throws -> Date {
        var validator = Validator()
        let at = pastInstant(text, "at", now: now, validator: &validator) ?? now
        if at < lead.createdAt { validator.add("at", "is before the lead was created") }
        try validator.check()
        return at
    }

    // MARK: Settings

    public func scoringSettings() async throws -> JSONValue {
        try await storage.read { tx in LeadSettingsJSON.json(try await LeadBook.scoringSettings(in: tx)) }
    }

    public func updateScoringSettings(_ body: JSONValue, by actor: Actor) async throws -> JSONValue {
        let settings = try LeadSettingsJSON.scoring(body)
        let json = LeadSettingsJSON.json(settings)
        let now = clock.now()
        try await storage.write { tx in
            try await tx.settings.setValue(LeadSettingsJSON.scoringName, try JSONWriter().encode(json))
            try await tx.audit(actor, "settings.lead_scoring.update", "settings", "lead_scoring", at: now)
        }
        return json
    }

    public func routingSettings() async throws -> JSONValue {
        try await storage.read { tx in LeadSettingsJSON.json(try await LeadBook.routingSettings(in: tx)) }
    }

    /// Replaces the routing settings; each pool's round robin continues for a rule of the same name and pool.
    public func updateRoutingSettings(_ body: JSONValue, by actor: Actor) async throws -> JSONValue {
        let settings = try LeadSettingsJSON.routing(body)
        let json = LeadSettingsJSON.json(settings)
        let now = clock.now()
        try await storage.write { tx in
            try await tx.lock(.unique("lead.routing"))
            let turns = try await tx.settings.decoded(LeadSettingsJSON.turnsName, defaults: RoundRobin())
            try await tx.settings.store(turns.kept(for: settings), as: LeadSettingsJSON.turnsName)
            try await tx.settings.setValue(LeadSettingsJSON.routingName, try JSONWriter().encode(json))
            try await tx.audit(actor, "settings.lead_routing.update", "settings", "lead_routing", at: now)
        }
        return json
    }
}
