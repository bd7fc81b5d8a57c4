import Foundation
import TenureCore
import TenureJSON

/// What applying an event did.
public struct WebhookApplication: Sendable {
    public var status: WebhookStatus
    /// Why it was ignored, or what it waits for.
    public var reason: String?
    /// For a pending event, the key whose appearance applies it (a Stripe customer id).
    public var waitingFor: String?

    public static let processed = WebhookApplication(status: .processed)

    public init(status: WebhookStatus, reason: String? = nil, waitingFor: String? = nil) {
        self.status = status
        self.reason = reason
        self.waitingFor = waitingFor
    }

    public static func ignored(_ reason: String) -> WebhookApplication { WebhookApplication(status: .ignored, reason: reason) }
}

/// Applies one source's events in two steps: `read` what an event says from its payload alone, before the
/// delivery's transaction and so outside the single writer; then `apply` it inside the transaction.
public protocol WebhookEventHandler: Sendable {
    associatedtype Content: Sendable
    /// The content of `event`; `parsed` is its payload when the receiver already parsed it. Throws `ValidationError`
    /// for invalid content, and the event is then stored as `failed`.
    func read(_ event: WebhookEvent, parsed: JSONValue?) throws -> Content
    /// Applies `content`: `processed`, `ignored` (with a reason) or `pending`. Throws `ValidationError` for invalid
    /// content, whose effects are then rolled back and the event stored as `failed`.
    func apply(_ content: Content, of event: WebhookEvent, in tx: any Transaction) async throws -> WebhookApplication
}

extension WebhookEventHandler {
    /// `event` read now, applied by the returned closure (which rethrows what reading threw).
    func prepare(_ event: WebhookEvent, parsed: JSONValue? = nil) -> PreparedEvent {
        let content = Result { try read(event, parsed: parsed) }
        return PreparedEvent { event, tx in try await apply(content.get(), of: event, in: tx) }
    }
}

/// An event already read, waiting for its transaction.
struct PreparedEvent: Sendable {
    let apply: @Sendable (WebhookEvent, any Transaction) async throws -> WebhookApplication
}

/// One verified delivery, before it is recorded.
public struct WebhookDelivery: Sendable {
    public var source: WebhookSource
    public var eventID: String
    public var type: String
    public var occurredAt: Date?
    public var payload: [UInt8]
    /// The payload, when the receiver already parsed it.
    public var parsed: JSONValue?

    public init(source: WebhookSource, eventID: String, type: String, occurredAt: Date?, payload: [UInt8], parsed: JSONValue? = nil) {
        self.source = source
        self.eventID = eventID
        self.type = type
        self.occurredAt = occurredAt
        self.payload = payload
        self.parsed = parsed
    }
}

/// The delivery log shared by every source (`WEBHOOKS.md`, rules 3–5): each (source, event id) is recorded once and
/// applied in the same transaction; repeats are duplicates; a failed event is tried again when delivered again.
public struct WebhookService: Sendable {
    public enum Outcome: Sendable {
        case applied(WebhookEvent)
        case duplicate(WebhookEvent)
        /// Stored as failed; nothing of it was applied.
        case failed(WebhookEvent, ValidationError)
    }

    let storage: any Storage
    let clock: Clock
    let handlers: [WebhookSource: any WebhookEventHandler]

    public init(storage: any Storage, clock: Clock, handlers: [WebhookSource: any WebhookEventHandler]) {
        self.storage = storage
        self.clock = clock
        self.handlers = handlers
    }

    /// Reads the delivery before taking the writer, so the writer only applies it.
    public func receive(_ delivery: WebhookDelivery) async throws -> Outcome {
        try await receive([delivery])[0]
    }

    /// Records and applies the events of one request in one transaction, each in its own savepoint, oldest first (by
    /// their own time, then id); answers each event's outcome in the order given.
    public func receive(_ deliveries: [WebhookDelivery]) async throws -> [Outcome] {
        let now = clock.now()
        let events = deliveries.map { delivery in
            let event = WebhookEvent(
                id: Identifier.make("evt", at: now),
                source: delivery.source,
                eventID: delivery.eventID,
                type: delivery.type,
                occurredAt: delivery.occurredAt,
                receivedAt: now,
                status: .pending,
                error: nil,
                attempts: 1,
                payload: delivery.payload
            )
            return (event, handlers[event.source]?.prepare(event, parsed: delivery.parsed))
        }
        let order = events.indices.sorted {
            (events[$0].0.occurredAt ?? now, events[$0].0.eventID) < (events[$1].0.occurredAt ?? now, events[$1].0.eventID)
        }
        return try await storage.write { tx in
            var outcomes = [Outcome?](repeating: nil, count: events.count)
            for index in order {
                let (event, prepared) = events[index]
                outcomes[index] = try await receive(event, prepared, in: tx)
            }
            return outcomes.compactMap { $0 }
        }
    }

    private func receive(_ event: WebhookEvent, _ prepared: PreparedEvent?, in tx: any Transaction) async throws -> Outcome {
        if try await tx.webhookEvents.claim(event) { return try await apply(event, in: tx, prepared: prepared) }
        guard let existing = try await tx.webhookEvents.lock(source: event.source, eventID: event.eventID) else {
            throw ServiceError.conflict("event \(event.eventID) was deleted while this delivery of it was stored; deliver it again")
        }
        guard existing.status == .failed else { return .duplicate(existing) }
        var retried = existing
        retried.attempts += 1
        return try await apply(retried, in: tx)
    }

    /// Processes a stored event again; a no-op for one already `processed` or `ignored`.
    public func replay(_ id: String) async throws -> WebhookEvent {
        try await storage.write { tx in
            guard let found = try await tx.webhookEvents.find(id: id) else { throw ServiceError.notFound(resource: "webhook event", id: id) }
            // Locked as a new delivery of the same event is, and so read again: one may have applied it meanwhile.
            guard var event = try await tx.webhookEvents.lock(source: found.source, eventID: found.eventID) else {
                throw ServiceError.notFound(resource: "webhook event", id: id)
            }
            if event.payloadPurgedAt != nil { throw ServiceError.conflict("webhook event \(id)'s payload was purged by retention") }
            guard event.status == .failed || event.status == .pending else { return event }
            event.attempts += 1
            switch try await apply(event, in: tx) {
            case .applied(let event), .duplicate(let event), .failed(let event, _): return event
            }
        }
    }

    /// Once per database: applies the contract blocks of CRM events stored before contracts existed.
    public func applyStoredCRMContractBlocks() async throws {
        guard let crm = handlers[.crm] as? CRMEventHandler else { return }
        try await storage.write { tx in
            try await tx.lock(.once("crm_contract_blocks_applied"))
            guard try await tx.settings.value("crm_contract_blocks_applied") == nil else { return }
            try await crm.applyStoredContractBlocks(in: tx)
            try await tx.settings.setValue("crm_contract_blocks_applied", Array("true".utf8))
        }
    }

    /// `GET /v1/settings/crm-mapping`.
    public func crmMapping() async throws -> CRMMapping {
        try await storage.read { tx in try await CRMMappingSettings.load(in: tx) }
    }

    /// `PUT /v1/settings/crm-mapping`: replaces the table of each CRM given, then applies again, oldest first, every
    /// event of those CRMs that failed for an unmapped stage, in the same transaction.
    public func updateCRMMapping(_ input: [String: CRMMapping.TableInput], by actor: Actor) async throws -> CRMMapping {
        let now = clock.now()
        return try await storage.write { tx in
            let mapping = try await CRMMappingSettings.load(in: tx).replacing(input)
            try await tx.replaceSettings(mapping, as: CRMMappingSettings.name, by: actor, at: now)
            for crm in CRM.allCases where input[crm.rawValue] != nil {
                guard let source = WebhookSource(rawValue: crm.rawValue) else { continue }
                for event in try await tx.webhookEvents.failed(source: source, errorPrefix: "unmapped_stage") {
                    var retried = event
                    retried.attempts += 1
                    _ = try await apply(retried, in: tx)
                }
            }
            return mapping
        }
    }

    public func list(_ filter: WebhookEventFilter, page: PageRequest) async throws -> Page<WebhookEvent> {
        try await storage.read { tx in try await tx.webhookEvents.list(filter, page) }
    }

    public func get(_ id: String) async throws -> WebhookEvent {
        let event = try await storage.read { tx in try await tx.webhookEvents.find(id: id) }
        guard let event else { throw ServiceError.notFound(resource: "webhook event", id: id) }
        return event
    }

    /// Applies `event`, read by its handler unless `prepared` already is (a retry is read from its stored payload).
    private func apply(_ event: WebhookEvent, in tx: any Transaction, prepared: PreparedEvent? = nil) async throws -> Outcome {
        guard let prepared = prepared ?? handlers[event.source]?.prepare(event) else {
            var ignored = event
            ignored.status = .ignored
            ignored.error = "no handler for \(event.source.rawValue) events"
            try await tx.webhookEvents.update(ignored)
            return .applied(ignored)
        }
        return try await Self.apply(event, prepared, in: tx)
    }

    /// Applies a stored event in a nested transaction and records its new status; invalid content leaves no effect.
    static func apply(_ event: WebhookEvent, _ prepared: PreparedEvent, in tx: any Transaction) async throws -> Outcome {
        var event = event
        var failure: ValidationError?
        do {
            let stored = event
            let result = try await tx.outbox.caused(by: EventSource(.webhook, id: event.id)) {
                try await tx.nested { try await prepared.apply(stored, tx) }
            }
            event.status = result.status
            event.error = result.reason
            event.waitingFor = result.status == .pending ? result.waitingFor : nil
        } catch let error as ValidationError {
            event.status = .failed
            event.error = error.errors.map { "\($0.field): \($0.message)" }.joined(separator: "; ")
            event.waitingFor = nil
            failure = error
        }
        try await tx.webhookEvents.update(event)
        return failure.map { .failed(event, $0) } ?? .applied(event)
    }
}
