import Foundation

/// One day of product usage.
public struct UsageRecord: Sendable, Equatable {
    public var day: Date
    public var activeUsers: Int
    public var licensedSeats: Int

    public init(day: Date, activeUsers: Int, licensedSeats: Int) {
        self.day = day
        self.activeUsers = activeUsers
        self.licensedSeats = licensedSeats
    }
}
