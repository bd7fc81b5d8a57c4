import Foundation

/// One record of what a person agreed to or withdrew (`PRIVACY.md`, "Consent"): never changed once stored, but by an
/// erasure.
public struct Consent: Sendable, Equatable {
    public var id: String
    public var contactID: String?
    /// Lowercased; a contact's record holds the contact's email then. Null once the person is erased.
    public var email: String?
    public var channel: ConsentChannel
    public var purpose: ConsentPurpose
    public var status: ConsentStatus
    public var source: ConsentSource
    public var occurredAt: Date
    public var recordedAt: Date

    public init(
        id: String,
        contactID: String?,
        email: String?,
        channel: ConsentChannel,
        purpose: ConsentPurpose,
        status: ConsentStatus,
        source: ConsentSource,
        occurredAt: Date,
        recordedAt: Date
    ) {
        self.id = id
        self.contactID = contactID
        self.email = email
        self.channel = channel
        self.purpose = purpose
        self.status = status
        self.source = source
        self.occurredAt = occurredAt
        self.recordedAt = recordedAt
    }
}

/// Where a consent was given or withdrawn.
public struct ConsentSource: Sendable, Equatable {
    public var kind: ConsentSourceKind
    /// The page, form or words; ≤ 500.
    public var detail: String?
    /// ≤ 200.
    public var campaign: String?

    public init(kind: ConsentSourceKind, detail: String? = nil, campaign: String? = nil) {
        self.kind = kind
        self.detail = detail
        self.campaign = campaign
    }
}

public enum ConsentChannel: String, CaseIterable, Sendable {
    case email, sms, phone
    case inApp = "in_app"
    case post
}

/// What a person may be contacted for; `all` only in a withdrawal.
public enum ConsentPurpose: String, CaseIterable, Sendable {
    case marketing
    case productUpdates = "product_updates"
    case salesOutreach = "sales_outreach"
    case service
    case all

    /// The purposes a grant or an activity names: every one but `all`.
    public static let specific: [ConsentPurpose] = allCases.filter { $0 != .all }
}

public enum ConsentStatus: String, CaseIterable, Sendable {
    case granted, withdrawn
}

public enum ConsentSourceKind: String, CaseIterable, Sendable {
    case form, page, campaign
    case `import`
    case preferenceCenter = "preference_center"
    case unsubscribeLink = "unsubscribe_link"
    case verbal, other
}
