import Foundation
import TenureCore

public struct WebhookEventFilter: Sendable {
    public var source: WebhookSource?
    public var status: WebhookStatus?
    public var type: String?

    public init(source: WebhookSource? = nil, status: WebhookStatus? = nil, type: String? = nil) {
        self.source = source
        self.status = status
        self.type = type
    }
}

public protocol WebhookEventRecords {
    /// Stores `event` unless an event of the same source and id is stored: false then. A delivery of the same event
    /// being stored by another transaction at the same time is waited for, so exactly one of them claims it.
    func claim(_ event: WebhookEvent) async throws -> Bool
    func update(_ event: WebhookEvent) async throws
    func find(id: String) async throws -> WebhookEvent?
    /// The stored event of that source and id, held against other writers until the transaction ends.
    func lock(source: WebhookSource, eventID: String) async throws -> WebhookEvent?
    /// Newest first.
    func list(_ filter: WebhookEventFilter, _ page: PageRequest) async throws -> Page<WebhookEvent>
    /// Pending events waiting for `key`, oldest event first.
    func pending(waitingFor key: String) async throws -> [WebhookEvent]
    /// Failed events of `source` whose error starts with `errorPrefix`, oldest event first.
    func failed(source: WebhookSource, errorPrefix: String) async throws -> [WebhookEvent]
}
