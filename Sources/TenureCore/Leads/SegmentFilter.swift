import Foundation

/// What a segment holds.
public enum SegmentResource: String, Codable, CaseIterable, Sendable {
    case accounts, contacts, leads
}

public enum FilterOp: String, CaseIterable, Sendable {
    case eq, ne, `in`, gt, gte, lt, lte, contains, exists

    /// The operators that order values.
    public var orders: Bool { [.gt, .gte, .lt, .lte].contains(self) }
}

/// A value a filter compares with.
public enum FilterValue: Sendable, Equatable {
    case text(String)
    case number(Int)
    case bool(Bool)
    case instant(Date)
    case list([FilterValue])
}

/// The kind of value a field holds, which decides the operators and values it takes.
public enum FieldKind: Sendable {
    case text, number, bool, instant
}

/// A segment's filter (`LEADS.md`, "Segments"), checked: every field exists for its resource and every value has the
/// field's kind.
public indirect enum SegmentFilter: Sendable, Equatable {
    case and([SegmentFilter])
    case or([SegmentFilter])
    case not(SegmentFilter)
    /// A field's value compared by `op` (`exists` takes a `bool`, `in` a `list`).
    case field(String, FilterOp, FilterValue)
    /// The member's engagement events counted in a window.
    case engagement(EngagementCount, FilterOp, Int)
    /// The member's activities counted in a window (accounts and contacts).
    case activity(ActivityCount, FilterOp, Int)

    /// The deepest nesting allowed (`LEADS.md`: deeper is a 422).
    public static let maximumDepth = 8

    /// Whether any node asks for a lead's score (computed on read, not stored).
    public var usesScores: Bool {
        switch self {
        case .and(let nodes), .or(let nodes): nodes.contains(where: \.usesScores)
        case .not(let node): node.usesScores
        case .field(let name, _, _): SegmentFields.scores.contains(name)
        case .engagement, .activity: false
        }
    }
}

/// Which of a person's engagement events a count takes as of an instant: of a type (nil: any), matching a url pattern
/// and an asset when set, in a window. A behavior rule counts this way; so does a segment's engagement node.
public struct EngagementCount: Sendable, Equatable {
    public var type: EngagementType?
    public var window: ScoringWindow
    public var urlPattern: URLPattern?
    public var asset: String?

    public init(type: EngagementType?, window: ScoringWindow, urlPattern: URLPattern?, asset: String?) {
        self.type = type
        self.window = window
        self.urlPattern = urlPattern
        self.asset = asset
    }
}

public struct ActivityCount: Sendable, Equatable {
    public var type: ActivityType
    public var windowDays: Int?

    public init(type: ActivityType, windowDays: Int?) {
        self.type = type
        self.windowDays = windowDays
    }
}

/// The fields a filter may name, per resource, with their kinds.
public enum SegmentFields {
    public static let accounts: [String: FieldKind] = [
        "id": .text, "name": .text, "domain": .text, "segment": .text, "industry": .text, "employee_count": .number, "owner": .text,
        "external_id": .text, "stripe_customer_id": .text, "created_at": .instant, "lifecycle_stage": .text, "mrr": .number,
        "health_band": .text,
    ]
    public static let contacts: [String: FieldKind] = [
        "id": .text, "account_id": .text, "name": .text, "email": .text, "title": .text, "role": .text, "relationship_strength": .text,
        "external_id": .text, "phone": .text, "created_at": .instant,
    ]
    public static let leads: [String: FieldKind] = [
        "id": .text, "name": .text, "email": .text, "company": .text, "domain": .text, "title": .text, "role": .text, "country": .text,
        "segment": .text, "industry": .text, "employee_count": .number, "source": .text, "campaign": .text, "status": .text,
        "owner": .text, "created_at": .instant, "qualified_at": .instant, "disqualified_at": .instant, "converted_at": .instant,
        "score": .number, "fit_score": .number, "behavior_score": .number, "mql": .bool,
    ]
    /// A lead's fields computed on read.
    public static let scores: Set<String> = ["score", "fit_score", "behavior_score", "mql"]

    /// The kind of `field` for `resource` (a contact's `account.<field>` is its account's), or nil when it has none.
    public static func kind(of field: String, in resource: SegmentResource) -> FieldKind? {
        switch resource {
        case .accounts: return accounts[field]
        case .leads: return leads[field]
        case .contacts:
            if field.hasPrefix("account.") { return accounts[String(field.dropFirst("account.".count))] }
            return contacts[field]
        }
    }
}
