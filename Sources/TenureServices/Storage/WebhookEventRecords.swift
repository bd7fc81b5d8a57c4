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
    func insert(_ event: WebhookEvent) async throws
    func update(_ event: WebhookEvent) async throws
    func find(id: String) async throws -> WebhookEvent?
    func find(source: WebhookSource, eventID: String) async throws -> WebhookEvent?
    /// Newest first.
    func list(_ filter: WebhookEventFilter, _ page: PageRequest) async throws -> Page<WebhookEvent>
    /// Pending events waiting for `key`, oldest event first.
    func pending(waitingFor key: String) async throws -> [WebhookEvent]
}
