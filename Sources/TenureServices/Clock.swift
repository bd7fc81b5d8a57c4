import Foundation

/// Time is a dependency: services ask this for "now", tests pass a fixed or stepping clock.
public struct Clock: Sendable {
    public let now: @Sendable () -> Date

    public init(now: @escaping @Sendable () -> Date) { self.now = now }

    public static let system = Clock { Date() }
}
