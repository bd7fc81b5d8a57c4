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
    /// What an email, SMS or call was for (`PRIVACY.md`); never `all`.
    public var purpose: ConsentPurpose?

    public init(
        id: String,
        accountID: String,
        type: ActivityType,
        occurredAt: Date,
        contactID: String?,
        opportunityID: String?,
        direction: ActivityDirection?,
        subject: String?,
        createdAt: Date,
        purpose: ConsentPurpose? = nil
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
        self.purpose = purpose
    }
}

public enum ActivityType: String, Codable, CaseIterable, Sendable {
    case email, call, meeting, note, task, sms

    /// The purpose an activity of this type has when none is given: sales outreach for those that contact a person.
    public var defaultPurpose: ConsentPurpose? { consentChannel == nil ? nil : .salesOutreach }
}

public enum ActivityDirection: String, Codable, CaseIterable, Sendable {
    case inbound, outbound
}
