import Foundation

/// A risk flag, open from `since` (the evaluation that raised it) until `closedAt` (the first that no longer did).
public struct RiskFlag: Sendable, Equatable {
    public var id: String
    public var accountID: String
    public var code: RiskFlagCode
    public var since: Date
    public var closedAt: Date?

    public init(id: String, accountID: String, code: RiskFlagCode, since: Date, closedAt: Date?) {
        self.id = id
        self.accountID = accountID
        self.code = code
        self.since = since
        self.closedAt = closedAt
    }

    public var severity: RiskSeverity { code.severity }

    public func isOpen(at instant: Date) -> Bool { since <= instant && closedAt.map { $0 > instant } ?? true }
}
