import Foundation

public enum LeadStatus: String, Codable, CaseIterable, Sendable {
    case new, working, qualified, disqualified, converted

    /// `new`, `working` and `qualified` leads hold their email: no second open lead may have it.
    public var isOpen: Bool { self == .new || self == .working || self == .qualified }
}

/// An unqualified person who showed interest (`LEADS.md`): who they are, where they came from, and where they went.
public struct Lead: Sendable, Equatable {
    public var id: String
    public var name: String
    /// Lowercased.
    public var email: String
    public var company: String?
    /// Normalized as an account's.
    public var domain: String?
    public var title: String?
    /// By the contact rule, from the title.
    public var role: ContactRole
    /// Two letters, upper-cased.
    public var country: String?
    public var segment: Segment?
    public var industry: String?
    public var employeeCount: Int?
    /// The acquisition channel, trimmed and lower-cased.
    public var source: String?
    public var campaign: String?
    public var status: LeadStatus
    public var owner: String?
    public var createdAt: Date
    public var updatedAt: Date
    public var qualifiedAt: Date?
    public var disqualifiedAt: Date?
    public var disqualifyReason: String?
    public var convertedAt: Date?
    public var accountID: String?
    public var contactID: String?
    public var opportunityID: String?
    public var erasedAt: Date?

    public init(id: String, name: String, email: String, status: LeadStatus, createdAt: Date) {
        self.id = id
        self.name = name
        self.email = email
        role = .user
        self.status = status
        self.createdAt = createdAt
        updatedAt = createdAt
    }

    /// The lead's value of a fit rule's field, or of a routing condition's.
    public func value(of field: LeadField) -> String? {
        switch field {
        case .role: role.rawValue
        case .segment: segment?.rawValue
        case .industry: industry
        case .country: country
        case .source: source
        case .campaign: campaign
        case .domain: domain
        }
    }
}

/// The fields fit rules and routing conditions judge.
public enum LeadField: String, CaseIterable, Sendable {
    case role, segment, industry, country, source, campaign, domain

    /// The fields a fit rule may name.
    public static let fit: [LeadField] = [.role, .segment, .industry, .country]
}

/// Why a lead's owner changed.
public enum AssignmentTrigger: String, Codable, CaseIterable, Sendable {
    case create, qualify, manual
}

/// One change of a lead's owner: by routing (`create`/`qualify`, the rule's name or `fallback`), or given (`manual`).
public struct LeadAssignment: Sendable, Equatable {
    public var owner: String?
    public var at: Date
    public var trigger: AssignmentTrigger
    public var rule: String?

    public init(owner: String?, at: Date, trigger: AssignmentTrigger, rule: String?) {
        self.owner = owner
        self.at = at
        self.trigger = trigger
        self.rule = rule
    }
}
