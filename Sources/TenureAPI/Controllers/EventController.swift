import Foundation
import Hummingbird
import TenureCore
import TenureServices

/// `/v1/events`: the event log, oldest first, to tail with `starting_after`.
struct EventController {
    let log: EventLog
    let gate: Gate

    var routes: RouteCollection<AppRequestContext> {
        let routes = RouteCollection(context: AppRequestContext.self)
        let rendering = EventRenderer(log: log)
        routes.get("/v1/events", gate.read) { call in
            let query = call.query
            var types: [EventType]?
            if let text = query["type"] {
                types = try text.split(separator: ",", omittingEmptySubsequences: false).map { name in
                    guard let type = EventType(rawValue: String(name)) else {
                        throw Problem.badRequest("names an unknown event type: \(name)", field: "type")
                    }
                    return type
                }
            }
            let filter = EventFilter(
                types: types,
                accountID: query["account_id"],
                createdAfter: try query.instant("created_after"),
                createdBefore: try query.instant("created_before")
            )
            let page = try await log.list(filter, startingAfter: query["starting_after"], page: try query.page())
            let visible = try await call.visible(page) { $0.accountID }
            let events = try await rendering.rendered(visible.items)
            return try .json(ListBody(Page(items: events, next: visible.next, positions: visible.positions), EventResource.init))
        }
        routes.get("/v1/events/{id}", gate.read) { call in
            try .json(EventResource(try await rendering.rendered([try await log.get(try call.parameter("id"))])[0]))
        }
        return routes
    }
}

/// `/v1/webhook-endpoints` and `/v1/webhook-deliveries` (admin).
struct WebhookEndpointController {
    let endpoints: WebhookEndpointService
    let gate: Gate

    struct Body: Decodable {
        var url: FieldUpdate<String>
        var enabledEvents: FieldUpdate<[String]>
        var description: FieldUpdate<String>
        var status: FieldUpdate<String>

        enum CodingKeys: String, CodingKey { case url, enabledEvents, description, status }

        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            url = try container.decode(FieldUpdate<String>.self, forKey: .url)
            enabledEvents = try container.decode(FieldUpdate<[String]>.self, forKey: .enabledEvents)
            description = try container.decode(FieldUpdate<String>.self, forKey: .description)
            status = try container.decode(FieldUpdate<String>.self, forKey: .status)
        }

        var input: WebhookEndpointInput {
            var input = WebhookEndpointInput()
            input.url = url
            input.enabledEvents = enabledEvents
            input.description = description
            input.status = status
            return input
        }
    }

    var routes: RouteCollection<AppRequestContext> {
        let routes = RouteCollection(context: AppRequestContext.self)
        routes.post("/v1/webhook-endpoints", gate.admin) { call in
            let endpoint = try await endpoints.create(try call.decode(Body.self).input, by: call.actor)
            return try .json(
                WebhookEndpointResource(endpoint, showingSecret: true),
                status: .created,
                location: "/v1/webhook-endpoints/\(endpoint.id)"
            )
        }
        routes.get("/v1/webhook-endpoints", gate.admin) { call in
            try .json(["data": try await endpoints.list().map { WebhookEndpointResource($0) }])
        }
        routes.get("/v1/webhook-endpoints/{id}", gate.admin) { call in
            try .json(WebhookEndpointResource(try await endpoints.get(try call.parameter("id"))))
        }
        routes.patch("/v1/webhook-endpoints/{id}", gate.admin) { call in
            let input = try call.decode(Body.self).input
            return try .json(WebhookEndpointResource(try await endpoints.update(try call.parameter("id"), input, by: call.actor)))
        }
        routes.delete("/v1/webhook-endpoints/{id}", gate.admin) { call in
            try .json(WebhookEndpointResource(try await endpoints.delete(try call.parameter("id"), by: call.actor)))
        }
        routes.post("/v1/webhook-endpoints/{id}/rotate-secret", gate.admin) { call in
            try .json(WebhookEndpointResource(try await endpoints.rotateSecret(try call.parameter("id"), by: call.actor), showingSecret: true))
        }
        routes.get("/v1/webhook-endpoints/{id}/deliveries", gate.admin) { call in
            let query = call.query
            let filter = DeliveryFilter(
                endpointID: try call.parameter("id"),
                status: try query.enumValue("status", EventDelivery.Status.self),
                eventID: query["event_id"],
                eventType: try query.enumValue("event_type", EventType.self)
            )
            return try .json(ListBody(try await endpoints.deliveries(filter, page: try query.page()), DeliveryResource.init))
        }
        routes.get("/v1/webhook-deliveries/{id}", gate.admin) { call in
            try .json(DeliveryResource(try await endpoints.delivery(try call.parameter("id"))))
        }
        routes.post("/v1/webhook-deliveries/{id}/retry", gate.admin) { call in
            try .json(DeliveryResource(try await endpoints.retry(try call.parameter("id"), by: call.actor)), status: .accepted)
        }
        return routes
    }
}
