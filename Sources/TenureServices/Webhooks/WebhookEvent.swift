import Foundation

public enum WebhookSource: String, Codable, CaseIterable, Sendable {
    case crm, stripe, hubspot, pipedrive, salesforce
}

/// What became of a delivery (`WEBHOOKS.md`, rule 4).
public enum WebhookStatus: String, Codable, CaseIterable, Sendable {
    /// Applied.
    case processed
    /// Understood but irrelevant (an unhandled type, another currency, …).
    case ignored
    /// Valid but not applicable yet; applied when what it waits for appears.
    case pending
    /// Its content is invalid; nothing of it was applied. A redelivery or a replay tries again.
    case failed
}

/// One received delivery, stored with its raw payload.
public struct WebhookEvent: Sendable, Equatable {
    public var id: String
    public var source: WebhookSource
    public var eventID: String
    public var type: String
    public var occurredAt: Date?
    public var receivedAt: Date
    public var status: WebhookStatus
    public var error: String?
    public var attempts: Int
    public var payload: [UInt8]
    /// For a pending event, the key whose appearance applies it (a Stripe customer id).
    public var waitingFor: String?
    /// When retention emptied `payload` (`PRIVACY.md`); nil while it is kept.
    public var payloadPurgedAt: Date?

    public init(
        id: String,
        source: WebhookSource,
        eventID: String,
        type: String,
        occurredAt: Date?,
        receivedAt: Date,
        status: WebhookStatus,
        error: String?,
        attempts: Int,
        payload: [UInt8]
    ) {
        self.id = id
        self.source = source
        self.eventID = eventID
        self.type = type
        self.occurredAt = occurredAt
        self.receivedAt = receivedAt
        self.status = status
        self.error = error
        self.attempts = attempts
        self.payload = payload
        self.waitingFor = nil
    }
}
