import Foundation

/// When a delivery is tried again, when it gives up, and when an endpoint that keeps failing is disabled
/// (`EVENTS.md`, "Retries" and "Disabling"). `scale` ∈ (0, 1] shortens every delay (`TENURE_WEBHOOK_RETRY_SCALE`).
public struct DeliverySchedule: Sendable {
    /// After failure k (1-based), attempt k+1 waits `delays[k-1]`: 8 attempts over 27 h 35 min.
    public static let delays: [TimeInterval] = [5, 5 * 60, 30 * 60, 2 * 3600, 5 * 3600, 10 * 3600, 10 * 3600]
    public static let failingPeriod: TimeInterval = 3 * 24 * 3600

    public var scale: Double

    public init(scale: Double = 1) { self.scale = scale }

    /// When the attempt after `failures` failed ones is due, or nil: the delivery is exhausted.
    public func nextAttempt(afterFailures failures: Int, at now: Date) -> Date? {
        guard failures >= 1, failures <= Self.delays.count else { return nil }
        return now.addingTimeInterval(Self.delays[failures - 1] * scale)
    }

    /// Whether a failure at `now` disables an endpoint whose run of failures began at `failingSince`.
    public func disables(failingSince: Date, failureAt now: Date) -> Bool {
        now.timeIntervalSince(failingSince) >= Self.failingPeriod * scale
    }
}
