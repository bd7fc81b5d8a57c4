import Foundation
import TenureCore

/// Time is a dependency: services ask this for "now", tests pass a fixed or stepping clock.
public struct Clock: Sendable {
    public let now: @Sendable () -> Date

    public init(now: @escaping @Sendable () -> Date) { self.now = now }

    /// The system time to the millisecond, the precision instants are stored with: a value read back equals `now`.
    public static let system = Clock { Date(unixMilliseconds: Date().unixMilliseconds) }
}
