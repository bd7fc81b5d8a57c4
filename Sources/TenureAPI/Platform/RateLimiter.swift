import Foundation
import NIOConcurrencyHelpers

/// A token bucket per API key: `perSecond` requests a second on average, bursts up to the same number. 0 turns it off.
final class RateLimiter: Sendable {
    private struct Bucket {
        var tokens: Double
        var updated: Date
    }

    let perSecond: Int
    private let buckets = NIOLockedValueBox([String: Bucket]())

    init(perSecond: Int) { self.perSecond = perSecond }

    /// Takes a token for `key`; false when its bucket is empty.
    func allow(_ key: String, now: Date = Date()) -> Bool {
        guard perSecond > 0 else { return true }
        let capacity = Double(perSecond)
        return buckets.withLockedValue { buckets in
            var bucket = buckets[key] ?? Bucket(tokens: capacity, updated: now)
            bucket.tokens = min(capacity, bucket.tokens + now.timeIntervalSince(bucket.updated) * capacity)
            bucket.updated = now
            let allowed = bucket.tokens >= 1
            if allowed { bucket.tokens -= 1 }
            buckets[key] = bucket
            return allowed
        }
    }
}
