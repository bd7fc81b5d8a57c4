import Foundation
import TenureCore
import TenureJSON
import TenureServices

struct EventResource: Encodable, Sendable {
    var id: String
    var object = "event"
    var type: String
    var sequence: Int
    @Nullable var accountId: String?
    var createdAt: Date
    var occurredAt: Date
    var source: Source
    var data: EventData

    struct Source: Encodable, Sendable {
        var kind: String
        @Nullable var id: String?
    }

    struct EventData: Encodable, Sendable {
        var object: RawJSON
        @Nullable var previous: RawJSON?
        /// `account.merged` only.
        var mergedAccount: RawJSON?
    }

    /// `event` with its `data.object` rendered (`EventRenderer`).
    init(_ event: Event) {
        id = event.id
        type = event.type.rawValue
        sequence = event.sequence
        accountId = event.accountID
        createdAt = event.createdAt
        occurredAt = event.occurredAt
        source = Source(kind: event.source.kind.rawValue, id: event.source.id)
        data = EventData(object: event.object ?? RawJSON("null"), previous: event.previous, mergedAccount: event.mergedAccount)
    }
}

struct WebhookEndpointResource: Encodable, Sendable {
    var id: String
    var object = "webhook_endpoint"
    var url: String
    var enabledEvents: [String]
    @Nullable var description: String?
    var status: String
    @Nullable var disabledReason: String?
    @Nullable var previousSecretExpiresAt: Date?
    var createdAt: Date
    /// Only when it is made and on rotation.
    var secret: String?

    init(_ endpoint: WebhookEndpoint, showingSecret: Bool = false) {
        id = endpoint.id
        url = endpoint.url
        enabledEvents = endpoint.enabledEvents
        description = endpoint.description
        status = endpoint.status.rawValue
        disabledReason = endpoint.disabledReason?.rawValue
        previousSecretExpiresAt = endpoint.previousSecretExpiresAt
        createdAt = endpoint.createdAt
        secret = showingSecret ? endpoint.secret : nil
    }
}

struct DeliveryResource: Encodable, Sendable {
    var id: String
    var object = "webhook_delivery"
    var endpointId: String
    @Nullable var automationRunId: String?
    var eventId: String
    var eventType: String
    var status: String
    @Nullable var failureReason: String?
    var attempts: [Attempt]
    @Nullable var nextAttemptAt: Date?
    var createdAt: Date

    struct Attempt: Encodable, Sendable {
        var at: Date
        @Nullable var statusCode: Int?
        var durationMs: Int
        @Nullable var error: String?
        var manual: Bool
    }

    init(_ delivery: EventDelivery) {
        id = delivery.id
        endpointId = delivery.endpointID
        eventId = delivery.eventID
        automationRunId = delivery.automationRunID
        eventType = delivery.eventType.rawValue
        status = delivery.status.rawValue
        failureReason = delivery.failureReason?.rawValue
        attempts = delivery.attempts.map {
            Attempt(at: $0.at, statusCode: $0.statusCode, durationMs: $0.durationMS, error: $0.error?.rawValue, manual: $0.manual)
        }
        nextAttemptAt = delivery.status == .pending ? delivery.nextAttemptAt : nil
        createdAt = delivery.createdAt
    }
}

/// Renders `data.object` of events that have none yet, once: the subject as its `GET` answered at `occurred_at`, frozen
/// in the log so that every later read and every delivery attempt carries the same bytes.
struct EventRenderer: Sendable {
    let log: EventLog

    func rendered(_ events: [Event]) async throws -> [Event] {
        var renderings: [EventRendering] = []
        for event in events where event.object == nil {
            guard let subject = event.subject else { continue }
            let merged = try await event.mergedAccountID.asyncFlatMap { try await render(EventSubject(.account, $0), asOf: event.occurredAt) }
            renderings.append(EventRendering(id: event.id, object: try await render(subject, asOf: event.occurredAt), mergedAccount: merged))
        }
        guard !renderings.isEmpty else { return events }
        let frozen = Dictionary(try await log.freeze(renderings).map { ($0.id, $0) }) { first, _ in first }
        return events.map { frozen[$0.id] ?? $0 }
    }

    /// The subject as its `GET` answers `?as_of=asOf`; its id and kind when it is gone.
    private func render(_ subject: EventSubject, asOf: Date) async throws -> RawJSON {
        let value = try await log.subject(subject, asOf: asOf)
        let gone = JSONValue.object(["id": .string(subject.id), "object": .string(subject.kind.rawValue)])
        return RawJSON(try value.map(Self.json) ?? JSON.encode(gone))
    }

    /// The event as `GET /v1/events/{id}` answers it: the bytes every delivery attempt sends.
    func body(of event: Event) async throws -> [UInt8] {
        let event = try await rendered([event])[0]
        return try JSON.encode(EventResource(event))
    }

    /// The subject as its resource's JSON.
    static func json(_ value: SubjectValue) throws -> [UInt8] {
        switch value {
        case .account(let view): try JSON.encode(AccountResource(view))
        case .opportunity(let view): try JSON.encode(OpportunityResource(view, withHistory: true))
        case .contract(let view): try JSON.encode(ContractResource(view))
        case .payment(let payment): try JSON.encode(PaymentResource(payment))
        case .supportCase(let item, let targets, let asOf): try JSON.encode(CaseResource(item, targets: targets, asOf: asOf))
        case .riskFlag(let risk): try JSON.encode(RiskResource(risk))
        case .task(let task): try JSON.encode(TaskResource(task))
        case .webhookEndpoint(let endpoint): try JSON.encode(WebhookEndpointResource(endpoint))
        case .lead(let lead): try JSON.encode(LeadResource(lead))
        }
    }
}
