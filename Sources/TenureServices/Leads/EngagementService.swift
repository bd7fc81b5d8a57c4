import Foundation
import TenureCore
import TenureJSON

/// An engagement event as a client sends it.
public struct EngagementInput: Sendable, Decodable {
    public var type: String?
    public var occurredAt: String?
    public var leadId: String?
    public var contactId: String?
    public var email: String?
    public var url: String?
    public var asset: String?

    /// The items of `{events: [...]}`, read from the parsed body (a large batch is read far faster than by a decoder): a
    /// field of the wrong type is a 422 naming `events[i].field`.
    public static func batch(_ body: JSONValue) throws -> [EngagementInput] {
        guard case .array(let items) = body["events"] else { throw ValidationError("events", "is required (a list of events)") }
        var validator = Validator()
        let inputs = items.enumerated().map { index, item in
            func text(_ key: String) -> String? {
                switch item[key] {
                case .string(let value): return value
                case .null: return nil
                default:
                    validator.add("events[\(index)].\(key)", "must be a string")
                    return nil
                }
            }
            if !item.isObject { validator.add("events[\(index)]", "must be an object") }
            var input = EngagementInput(type: text("type"), leadID: text("lead_id"), contactID: text("contact_id"), email: text("email"))
            input.occurredAt = text("occurred_at")
            input.url = text("url")
            input.asset = text("asset")
            return input
        }
        try validator.check()
        return inputs
    }

    public init(type: String?, leadID: String? = nil, contactID: String? = nil, email: String? = nil, occurredAt: String? = nil) {
        self.type = type
        leadId = leadID
        contactId = contactID
        self.email = email
        self.occurredAt = occurredAt
    }
}

/// Engagement events (`LEADS.md`, "Engagement"): recorded in batches, all or nothing; each write may qualify the leads
/// it touches.
public struct EngagementService: Sendable {
    let storage: any Storage
    let clock: Clock

    public init(storage: any Storage, clock: Clock) {
        self.storage = storage
        self.clock = clock
    }

    public static let batchLimit = 10_000

    /// Stores every event or none: a bad item, or one naming no lead or contact, is a 422 naming `events[i].field`.
    public func record(_ inputs: [EngagementInput], by actor: Actor) async throws -> Int {
        let now = clock.now()
        guard inputs.count <= Self.batchLimit else { throw ValidationError("events", "holds at most \(Self.batchLimit) events") }
        var errors: [FieldError] = []
        var events: [EngagementEvent] = []
        for (index, input) in inputs.enumerated() {
            do { events.append(try Self.validated(input, now: now)) } catch let error as ValidationError {
                errors += error.nested(under: "events[\(index)]").errors
            }
        }
        try ValidationError.check(errors)
        let checked = events
        return try await storage.write { tx in
            let resolved = try await Self.resolve(checked, inputs: inputs, in: tx)
            try await tx.engagement.insert(resolved)
            let touched = Array(Set(resolved.compactMap(\.leadID)))
            let settings = try await LeadBook.scoringSettings(in: tx)
            let leads = try await tx.leads.find(ids: touched).values.sorted { $0.id < $1.id }
            try await LeadBook.autoQualify(leads, now: now, in: tx, settings: settings)
            try await tx.audit(actor, "engagement.create", "engagement", nil, at: now)
            return resolved.count
        }
    }

    public func list(_ filter: EngagementFilter, page: PageRequest) async throws -> Page<EngagementEvent> {
        try await storage.read { tx in try await tx.engagement.list(filter, page) }
    }

    static func validated(_ input: EngagementInput, now: Date) throws -> EngagementEvent {
        var validator = Validator()
        validator.required(input.type, "type")
        let type = EngagementType.parse(input.type, "type", &validator)
        let occurredAt = pastInstant(input.occurredAt, "occurred_at", now: now, validator: &validator) ?? now
        let named = [input.leadId, input.contactId, input.email].compactMap { $0 }
        if named.count != 1 { validator.add("lead_id", "exactly one of lead_id, contact_id or email is required") }
        if let email = input.email, EmailAddress.normalize(email) == nil { validator.add("email", "must be an email address") }
        if type == .pageView { validator.required(input.url, "url") }
        validator.maxLength(input.url, "url", 2_000)
        validator.maxLength(input.asset, "asset", 200)
        try validator.check()
        return EngagementEvent(
            id: Identifier.make("eng", at: now),
            type: type ?? .pageView,
            occurredAt: occurredAt,
            leadID: input.leadId,
            contactID: input.contactId,
            url: input.url,
            asset: input.asset?.trimmingWhitespace(),
            createdAt: now
        )
    }

    /// Each event's lead or contact, checked: an email is the open lead with it, else the earliest contact, else the
    /// latest lead.
    static func resolve(_ events: [EngagementEvent], inputs: [EngagementInput], in tx: any Transaction) async throws -> [EngagementEvent] {
        let leads = try await tx.leads.find(ids: Array(Set(events.compactMap(\.leadID))))
        let contacts = Set(try await tx.contacts.find(ids: Array(Set(events.compactMap(\.contactID)))).map(\.id))
        var byEmail: [String: (lead: String?, contact: String?)] = [:]
        var errors: [FieldError] = []
        var resolved = events
        for (index, input) in inputs.enumerated() {
            if let lead = input.leadId, leads[lead] == nil { errors.append(FieldError("events[\(index)].lead_id", "no lead has this id")) }
            if let contact = input.contactId, !contacts.contains(contact) {
                errors.append(FieldError("events[\(index)].contact_id", "no contact has this id"))
            }
            guard let email = input.email.flatMap(EmailAddress.normalize) else { continue }
            if byEmail[email] == nil {
                if let open = try await tx.leads.open(email: email) {
                    byEmail[email] = (open.id, nil)
                } else if let contact = try await tx.contacts.find(email: email).min(by: { ($0.createdAt, $0.id) < ($1.createdAt, $1.id) }) {
                    byEmail[email] = (nil, contact.id)
                } else {
                    byEmail[email] = (try await tx.leads.latest(email: email)?.id, nil)
                }
            }
            guard let (lead, contact) = byEmail[email], lead != nil || contact != nil else {
                errors.append(FieldError("events[\(index)].email", "no lead or contact has this email"))
                continue
            }
            resolved[index].leadID = lead
            resolved[index].contactID = contact
        }
        try ValidationError.check(errors)
        return resolved
    }
}
