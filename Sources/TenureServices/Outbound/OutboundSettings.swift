import Foundation
import TenureCore

/// How outbound webhooks behave on this server (`EVENTS.md`, "Safety", `TENURE_WEBHOOK_RETRY_SCALE`).
public struct OutboundSettings: Sendable {
    /// `TENURE_WEBHOOK_ALLOW_PRIVATE=1`: loopback and private targets are allowed (tests, a receiver on the same host).
    public var allowPrivate: Bool
    public var schedule: DeliverySchedule

    public init(allowPrivate: Bool = false, retryScale: Double = 1) {
        self.allowPrivate = allowPrivate
        schedule = DeliverySchedule(scale: retryScale)
    }
}
