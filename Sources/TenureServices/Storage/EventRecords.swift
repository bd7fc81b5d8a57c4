import Foundation
import TenureCore
import TenureJSON

public struct EventFilter: Sendable {
    public var types: [EventType]?
    public var accountID: String?
    public var createdAfter: Date?
    public var createdBefore: Date?

    public init(types: [EventType]? = nil, accountID: String? = nil, createdAfter: Date? = nil, createdBefore: Date? = nil) {
        self.types = types
        self.accountID = accountID
        self.createdAfter = createdAfter
        self.createdBefore = createdBefore
    }
}

public protocol EventRecords {
    /// Stores `events` in order, each with a new id and the next sequence; the stored events.
    func append(_ events: [NewEvent], at now: Date) async throws -> [Event]
    func find(id: String) async throws -> Event?
    func find(ids: [String]) async throws -> [Event]
    /// Whether any endpoint and any automation is enabled (one look, before reading either list).
    func listeners() async throws -> (endpoints: Bool, automations: Bool)
    /// Oldest first; `page.after` is an event's id (`starting_after`).
    func list(_ filter: EventFilter, _ page: PageRequest) async throws -> Page<Event>
    /// Deletes the events created before `cutoff` with their deliveries and runs, but those with a delivery pending or a
    /// run unfinished; how many events went.
    func prune(createdBefore cutoff: Date) async throws -> Int
    /// Records the rendering of `data.object` (and `data.merged_account`) of an event that had none yet; an event
    /// already rendered keeps its own.
    func freeze(_ rendering: EventRendering) async throws
}

/// What an event shows of the resources it names, rendered once.
public struct EventRendering: Sendable {
    public var id: String
    public var object: RawJSON
    public var mergedAccount: RawJSON?

    public init(id: String, object: RawJSON, mergedAccount: RawJSON?) {
        self.id = id
        self.object = object
        self.mergedAccount = mergedAccount
    }
}

public protocol WebhookEndpointRecords {
    func insert(_ endpoint: WebhookEndpoint) async throws
    func update(_ endpoint: WebhookEndpoint) async throws
    /// The endpoint is gone from the API; its deliveries stay readable.
    func delete(id: String, at now: Date) async throws
    func find(id: String) async throws -> WebhookEndpoint?
    /// The endpoint, held against other writers until the transaction ends.
    func lock(id: String) async throws -> WebhookEndpoint?
    /// Every endpoint not deleted, oldest first.
    func all() async throws -> [WebhookEndpoint]
    /// The same, held until the transaction ends against a writer that would change them (not against each other).
    func sharing() async throws -> [WebhookEndpoint]
}

public struct DeliveryFilter: Sendable {
    public var endpointID: String?
    public var status: EventDelivery.Status?
    public var eventID: String?
    public var eventType: EventType?

    public init(endpointID: String? = nil, status: EventDelivery.Status? = nil, eventID: String? = nil, eventType: EventType? = nil) {
        self.endpointID = endpointID
        self.status = status
        self.eventID = eventID
        self.eventType = eventType
    }
}

public protocol WebhookDeliveryRecords {
    func insert(_ deliveries: [EventDelivery]) async throws
    func update(_ delivery: EventDelivery) async throws
    func find(id: String) async throws -> EventDelivery?
    /// The delivery, held against other writers until the transaction ends.
    func lock(id: String) async throws -> EventDelivery?
    /// Oldest first.
    func list(_ filter: DeliveryFilter, _ page: PageRequest) async throws -> Page<EventDelivery>
    /// Pending deliveries due at `now` that their order lets go (a manual retry, a notification, or the lowest sequence of
    /// its endpoint's queue for its account), soonest due first, none of the endpoints `excluding` names; with `claiming`,
    /// held against other writers, passing over those another holds.
    func due(at now: Date, limit: Int, excluding: Set<String>, claiming: Bool) async throws -> [EventDelivery]
    /// Ends the endpoint's pending deliveries `failed` with `reason`.
    func fail(pendingOf endpointID: String, reason: EventDelivery.FailureReason) async throws
    /// How many deliveries are pending.
    func pendingCount() async throws -> Int
}
