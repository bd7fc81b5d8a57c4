import Foundation
import TenureCore

public struct ActivityFilter: Sendable {
    public var accountID: String?
    public var contactID: String?
    public var opportunityID: String?
    public var from: Date?
    public var to: Date?

    public init(accountID: String? = nil, contactID: String? = nil, opportunityID: String? = nil, from: Date? = nil, to: Date? = nil) {
        self.accountID = accountID
        self.contactID = contactID
        self.opportunityID = opportunityID
        self.from = from
        self.to = to
    }
}

/// One entry of an account's timeline.
public struct TimelineItem: Sendable, Equatable {
    public var at: Date
    public var kind: String
    public var summary: String
    public var refType: String
    public var refID: String

    public init(at: Date, kind: String, summary: String, refType: String, refID: String) {
        self.at = at
        self.kind = kind
        self.summary = summary
        self.refType = refType
        self.refID = refID
    }
}

public protocol ActivityRecords {
    func insert(_ activities: [Activity]) async throws
    func exists(id: String) async throws -> Bool
    func list(_ filter: ActivityFilter, _ page: PageRequest) async throws -> Page<Activity>
    /// Outbound emails, SMS and calls to a contact, with a purpose: those a withdrawal of consent can forbid. Oldest
    /// first; the cursor key is the activity's time in milliseconds.
    func contacting(_ filter: ActivityFilter, _ page: PageRequest) async throws -> Page<Activity>
    /// Newest first; the cursor key is the item's time in milliseconds.
    func timeline(accountID: String, _ page: PageRequest) async throws -> Page<TimelineItem>
}
