import Foundation
import TenureCore

/// What `POST /v1/webhook-endpoints` and its PATCH give.
public struct WebhookEndpointInput: Sendable {
    public var url: FieldUpdate<String> = .keep
    public var enabledEvents: FieldUpdate<[String]> = .keep
    public var description: FieldUpdate<String> = .keep
    public var status: FieldUpdate<String> = .keep

    public init() {}
}

/// The endpoints events are sent to, their secrets, and their deliveries (`EVENTS.md`, "Webhook endpoints").
public struct WebhookEndpointService: Sendable {
    let storage: any Storage
    let clock: Clock
    let settings: OutboundSettings

    /// Creates an endpoint; the answer carries its secret, shown only now and on rotation.
    public func create(_ input: WebhookEndpointInput, by actor: Actor) async throws -> WebhookEndpoint {
        var validator = Validator()
        if input.url.applied(to: nil) == nil { validator.add("url", "is required") }
        if input.enabledEvents.applied(to: nil) == nil { validator.add("enabled_events", "is required") }
        if !input.status.isKept { validator.add("status", "is set with PATCH") }
        try validator.check()
        let now = clock.now()
        let endpoint = try checked(
            WebhookEndpoint(id: Identifier.make("we", at: now), url: "", enabledEvents: [], description: nil, secret: Self.newSecret(), at: now),
            input
        )
        try await storage.write { tx in
            try await tx.webhookEndpoints.insert(endpoint)
            try await tx.audit(actor, "webhook_endpoint.create", "webhook_endpoint", endpoint.id, at: now)
        }
        return endpoint
    }

    public func list() async throws -> [WebhookEndpoint] { try await storage.read { tx in try await tx.webhookEndpoints.all() } }

    public func get(_ id: String) async throws -> WebhookEndpoint {
        try await storage.read { tx in try await Self.find(id, in: tx) }
    }

    /// Changes the URL, the events, the description or the status; disabling ends the pending deliveries `failed`
    /// (`endpoint_disabled`), and re-enabling starts afresh.
    public func update(_ id: String, _ input: WebhookEndpointInput, by actor: Actor) async throws -> WebhookEndpoint {
        let now = clock.now()
        return try await storage.write { tx in
            var endpoint = try checked(try await Self.find(id, in: tx, locking: true), input)
            endpoint.updatedAt = now
            try await tx.webhookEndpoints.update(endpoint)
            if endpoint.status == .disabled { try await tx.webhookDeliveries.fail(pendingOf: id, reason: .endpointDisabled) }
            try await tx.audit(actor, "webhook_endpoint.update", "webhook_endpoint", id, at: now)
            return endpoint
        }
    }

    /// Deletes the endpoint; its pending deliveries end `failed` (`endpoint_deleted`).
    public func delete(_ id: String, by actor: Actor) async throws -> WebhookEndpoint {
        let now = clock.now()
        return try await storage.write { tx in
            let endpoint = try await Self.find(id, in: tx, locking: true)
            try await tx.webhookEndpoints.delete(id: id, at: now)
            try await tx.webhookDeliveries.fail(pendingOf: id, reason: .endpointDeleted)
            try await tx.audit(actor, "webhook_endpoint.delete", "webhook_endpoint", id, at: now)
            return endpoint
        }
    }

    /// A new secret; the one it replaces also signs for `WebhookEndpoint.rotationOverlap`, and one rotated before is dropped.
    public func rotateSecret(_ id: String, by actor: Actor) async throws -> WebhookEndpoint {
        let now = clock.now()
        return try await storage.write { tx in
            var endpoint = try await Self.find(id, in: tx, locking: true)
            endpoint.previousSecret = endpoint.secret
            endpoint.previousSecretExpiresAt = now.addingTimeInterval(WebhookEndpoint.rotationOverlap)
            endpoint.secret = Self.newSecret()
            endpoint.updatedAt = now
            try await tx.webhookEndpoints.update(endpoint)
            try await tx.audit(actor, "webhook_endpoint.rotate_secret", "webhook_endpoint", id, at: now)
            return endpoint
        }
    }

    /// An endpoint's deliveries (404 for an unknown endpoint).
    public func deliveries(_ filter: DeliveryFilter, page: PageRequest) async throws -> Page<EventDelivery> {
        try await storage.read { tx in
            if let id = filter.endpointID { _ = try await Self.find(id, in: tx) }
            return try await tx.webhookDeliveries.list(filter, page)
        }
    }

    public func delivery(_ id: String) async throws -> EventDelivery {
        let delivery = try await storage.read { tx in try await tx.webhookDeliveries.find(id: id) }
        guard let delivery else { throw ServiceError.notFound(resource: "webhook delivery", id: id) }
        return delivery
    }

    /// One manual attempt of a finished delivery, now and outside the order (409 while pending or when its endpoint is
    /// disabled or gone).
    public func retry(_ id: String, by actor: Actor) async throws -> EventDelivery {
        let now = clock.now()
        return try await storage.write { tx in
            guard var delivery = try await tx.webhookDeliveries.lock(id: id) else {
                throw ServiceError.notFound(resource: "webhook delivery", id: id)
            }
            guard delivery.status != .pending else { throw ServiceError.conflict("delivery \(id) is pending: it is tried on its schedule") }
            guard let endpoint = try await tx.webhookEndpoints.find(id: delivery.endpointID), endpoint.status == .enabled else {
                throw ServiceError.conflict("the endpoint of delivery \(id) is disabled or deleted")
            }
            delivery.status = .pending
            delivery.failureReason = nil
            delivery.manual = true
            delivery.nextAttemptAt = now
            try await tx.webhookDeliveries.update(delivery)
            try await tx.audit(actor, "webhook_delivery.retry", "webhook_delivery", id, at: now)
            return delivery
        }
    }

    /// `endpoint` with `input` applied, every field checked.
    private func checked(_ endpoint: WebhookEndpoint, _ input: WebhookEndpointInput) throws -> WebhookEndpoint {
        var endpoint = endpoint
        var validator = Validator()
        switch input.url {
        case .keep: break
        case .clear: validator.add("url", "must not be null")
        case .set(let url):
            if let problem = DeliveryTarget.problem(with: url, allowPrivate: settings.allowPrivate) { validator.add("url", problem) }
            endpoint.url = url
        }
        switch input.enabledEvents {
        case .keep: break
        case .clear: validator.add("enabled_events", "must not be null")
        case .set(let events):
            if events.isEmpty { validator.add("enabled_events", "must name at least one event type, or \"*\"") }
            for (index, type) in events.enumerated() where type != "*" && EventType(rawValue: type) == nil {
                validator.add("enabled_events[\(index)]", "is not an event type of the catalogue")
            }
            endpoint.enabledEvents = events
        }
        endpoint.description = input.description.applied(to: endpoint.description)
        validator.maxLength(endpoint.description, "description", 500)
        switch input.status {
        case .keep: break
        case .clear: validator.add("status", "must not be null")
        case .set(let text):
            guard let status = WebhookEndpoint.Status(rawValue: text) else {
                validator.add("status", "must be enabled or disabled")
                break
            }
            if status != endpoint.status {
                endpoint.status = status
                endpoint.disabledReason = status == .disabled ? .manual : nil
                endpoint.failingSince = nil
            }
        }
        try validator.check()
        return endpoint
    }

    static func find(_ id: String, in tx: any Transaction, locking: Bool = false) async throws -> WebhookEndpoint {
        let found = locking ? try await tx.webhookEndpoints.lock(id: id) : try await tx.webhookEndpoints.find(id: id)
        guard let endpoint = found else { throw ServiceError.notFound(resource: "webhook endpoint", id: id) }
        return endpoint
    }

    /// `whsec_` + base64 of 32 random bytes.
    static func newSecret() -> String {
        var generator = SystemRandomNumberGenerator()
        return "whsec_" + Data((0..<32).map { _ in UInt8.random(in: 0...255, using: &generator) }).base64EncodedString()
    }
}
