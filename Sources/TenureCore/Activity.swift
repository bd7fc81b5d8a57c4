import Foundation

/// A logged touch with an account.
public struct Activity: Sendable, Equatable {
    public var id: String
    public var accountID: String
    public var type: ActivityType
    public var occurredAt: Date
    public var contactID: String?
    public var opportunityID: String?
    public var direction: ActivityDirection?
    public var subject: String?
    public var createdAt: Date

    public init(
        id: String,
        accountID: String,
        type: ActivityType,
        occurredAt: Date,
        contactID: String?,
        opportunityID: String?,
        direction: ActivityDirection?,
        subject: String?,
        createdAt: Date
    ) {
        self.id = id
        self.accountID = accountID
        self.type = type
        self.occurredAt = occurredAt
        self.contactID = contactID
        self.opportunityID = opportunityID
        self.direction = direction
        self.subject = subject
        self.createdAt = createdAt
    }
}

public enum ActivityType: String, Codable, CaseIterable, Sendable {
    case email, call, meeting, note, task
}

public enum ActivityDirection: String, Codable, CaseIterable, Sendable {
    case inbound, outbound
}
