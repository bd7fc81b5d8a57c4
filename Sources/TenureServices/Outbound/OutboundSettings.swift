import Foundation
import TenureCore

/// How outbound webhooks behave on this server (`EVENTS.md`, "Safety", `TENURE_WEBHOOK_RETRY_SCALE`).
public struct OutboundSettings: Sendable {
    /// `TENURE_WEBHOOK_ALLOW_PRIVATE=1`: loopback and private targets are allowed (tests, a receiver on the same host).
    public var allowPrivate: Bool
    public var schedule: DeliverySchedule
    /// `TENURE_EVENT_RETENTION_DAYS` (at least 7): how long events, their deliveries and runs are kept.
    public var eventRetentionDays: Int

    public init(allowPrivate: Bool = false, retryScale: Double = 1, eventRetentionDays: Int = 90) {
        self.allowPrivate = allowPrivate
        schedule = DeliverySchedule(scale: retryScale)
        self.eventRetentionDays = max(eventRetentionDays, EventLog.minimumRetentionDays)
    }
}
