import Foundation
import TenureCore

/// One account's usage on one day.
public struct AccountUsage: Sendable, Equatable {
    public var accountID: String
    public var record: UsageRecord

    public init(accountID: String, record: UsageRecord) {
        self.accountID = accountID
        self.record = record
    }
}

public protocol UsageRecords {
    /// Inserts or replaces each (account, day).
    func upsert(_ usage: [AccountUsage], at: Date) async throws
    /// The account's records dated in [from, to), oldest first.
    func of(account accountID: String, from: Date, to: Date) async throws -> [UsageRecord]
    /// Oldest first; the cursor key is the day.
    func list(account accountID: String, from: Date?, to: Date?, _ page: PageRequest) async throws -> Page<UsageRecord>
}
