import Foundation
import HTTPTypes
import Hummingbird
import Metrics
import TenureCore
import TenureJSON
import TenureServices

/// `POST /v1/webhooks/crm`, and the delivery log: `GET /v1/webhook-events`, `POST /v1/webhook-events/{id}/replay`.
struct WebhookController {
    let webhooks: WebhookService
    let secrets: WebhookSecrets
    let gate: Gate
    let counters: WebhookCounters

    /// Just enough of a body to record it (`WEBHOOKS.md`, rule 2); the handler reads the rest.
    struct Envelope: Decodable {
        var type: String?
        var occurredAt: String?
    }

    var routes: RouteCollection<AppRequestContext> {
        let routes = RouteCollection(context: AppRequestContext.self)
        let stripeSecrets = secrets.stripe.map { StripeSignature.Secret($0) }
        routes.post("/v1/webhooks/crm", gate.open) { call in
            let headers = call.request.headers
            do {
                try StandardWebhookSignature.verify(
                    id: headers[.webhookID],
                    timestamp: headers[.webhookTimestamp],
                    signature: headers[.webhookSignature],
                    body: call.body,
                    secrets: secrets.crm,
                    now: call.now
                )
            } catch let rejection as WebhookRejection {
                counters.count(.crm, "rejected")
                throw Problem(.unauthorized, "invalid-signature", detail: rejection.reason)
            }
            let envelope = try? JSON.decoder.decode(Envelope.self, from: Data(call.body))
            guard let type = envelope?.type, !type.isEmpty else { throw Problem.badRequest("The body must be a JSON object with a type.") }
            let delivery = WebhookDelivery(
                source: .crm,
                eventID: headers[.webhookID] ?? "",
                type: type,
                occurredAt: envelope?.occurredAt.flatMap(Timestamp.parseInstant),
                payload: call.body
            )
            return try Self.reply(to: try await webhooks.receive(delivery), source: .crm, counters)
        }
        routes.post("/v1/webhooks/stripe", gate.open) { call in
            do {
                try StripeSignature.verify(header: call.request.headers[.stripeSignature], body: call.body, secrets: stripeSecrets, now: call.now)
            } catch let rejection as WebhookRejection {
                counters.count(.stripe, "rejected")
                throw Problem(.unauthorized, "invalid-signature", detail: rejection.reason)
            }
            let event = JSONValue.parse(call.body)
            guard let id = event?["id"].string, !id.isEmpty, let type = event?["type"].string, !type.isEmpty else {
                throw Problem.badRequest("The body must be a Stripe event with an id and a type.")
            }
            let delivery = WebhookDelivery(
                source: .stripe,
                eventID: id,
                type: type,
                occurredAt: event?["created"].date,
                payload: call.body,
                parsed: event
            )
            return try Self.reply(to: try await webhooks.receive(delivery), source: .stripe, counters)
        }
        routes.get("/v1/webhook-events", gate.admin) { call in
            let query = call.query
            let filter = WebhookEventFilter(
                source: try query.enumValue("source", WebhookSource.self),
                status: try query.enumValue("status", WebhookStatus.self),
                type: query["type"]
            )
            return try .json(ListBody(try await webhooks.list(filter, page: try query.page())) { WebhookEventResource($0) })
        }
        routes.get("/v1/webhook-events/{id}", gate.admin) { call in
            try .json(WebhookEventResource(try await webhooks.get(try call.parameter("id")), withPayload: true))
        }
        routes.post("/v1/webhook-events/{id}/replay", gate.admin) { call in
            try .json(WebhookEventResource(try await webhooks.replay(try call.parameter("id"))))
        }
        return routes
    }

    /// `{"status":"…"}`, written out: an outcome is one lowercase word, and encoding it showed in the cost of each delivery.
    static func statusReply(_ outcome: String) -> Reply { Reply(status: .ok, headers: [:], body: Array(#"{"status":"\#(outcome)"}"#.utf8)) }

    /// 200 with the status, or 422 for a failed (stored) event.
    static func reply(to outcome: WebhookService.Outcome, source: WebhookSource, _ counters: WebhookCounters) throws -> Reply {
        counters.count(source, outcome.status)
        if case .failed(_, let error) = outcome { throw error }
        return statusReply(outcome.status)
    }
}

/// `tenure_webhook_events{source, outcome}`: every counter made once, since making one looks it up in the registry.
struct WebhookCounters: Sendable {
    static let outcomes = ["rejected", "duplicate"] + WebhookStatus.allCases.map(\.rawValue)
    private let counters: [WebhookSource: [String: Counter]]

    init() {
        counters = Dictionary(
            uniqueKeysWithValues: WebhookSource.allCases.map { source in
                let bySource = Self.outcomes.map { outcome in
                    (outcome, Counter(label: "tenure_webhook_events", dimensions: [("source", source.rawValue), ("outcome", outcome)]))
                }
                return (source, Dictionary(uniqueKeysWithValues: bySource))
            }
        )
    }

    func count(_ source: WebhookSource, _ outcome: String) { counters[source]?[outcome]?.increment() }
}

struct WebhookEventResource: Encodable, Sendable {
    var id: String
    var object = "webhook_event"
    var source: String
    var eventId: String
    var type: String
    var status: String
    @Nullable var error: String?
    @Nullable var occurredAt: Date?
    var receivedAt: Date
    var attempts: Int
    /// The stored body as text (null once retention purged it); shown by `GET …/{id}` and subject access only.
    var payload: Nullable<String>?

    init(_ event: WebhookEvent, withPayload: Bool = false) {
        id = event.id
        source = event.source.rawValue
        eventId = event.eventID
        type = event.type
        status = event.status.rawValue
        error = event.error
        occurredAt = event.occurredAt
        receivedAt = event.receivedAt
        attempts = event.attempts
        if withPayload {
            payload = Nullable(wrappedValue: event.payloadPurgedAt == nil ? String(decoding: event.payload, as: UTF8.self) : nil)
        }
    }
}

extension HTTPField.Name {
    static let webhookID = Self("webhook-id")!
    static let webhookTimestamp = Self("webhook-timestamp")!
    static let webhookSignature = Self("webhook-signature")!
    static let stripeSignature = Self("Stripe-Signature")!
}

extension WebhookService.Outcome {
    /// The status a sender is told: `duplicate`, or the event's.
    var status: String {
        switch self {
        case .duplicate: "duplicate"
        case .applied(let event), .failed(let event, _): event.status.rawValue
        }
    }

    /// A failed event's stored error.
    var error: String? {
        if case .failed(let event, _) = self { return event.error }
        return nil
    }
}
