import Foundation
import TenureCore

public struct LeadFilter: Sendable {
    public var statuses: [LeadStatus] = []
    public var owner: String?
    public var source: String?
    public var campaign: String?
    public var email: String?
    /// Created in [createdFrom, createdBefore) and ≤ createdUpTo.
    public var createdFrom: Date?
    public var createdBefore: Date?
    public var createdUpTo: Date?

    public init() {}
}

public protocol LeadRecords {
    func insert(_ lead: Lead) async throws
    func update(_ lead: Lead) async throws
    func find(id: String) async throws -> Lead?
    func find(ids: [String]) async throws -> [String: Lead]
    /// The open lead with `email` (at most one).
    func open(email: String) async throws -> Lead?
    /// The lead with `email` created last.
    func latest(email: String) async throws -> Lead?
    /// Insertion order.
    func list(_ filter: LeadFilter, _ page: PageRequest) async throws -> Page<Lead>
    /// Every lead passing `filter`, in insertion order, with where each stands (for lists sorted by score).
    func all(_ filter: LeadFilter) async throws -> [(lead: Lead, position: PageCursor)]
    func assign(_ leadID: String, _ assignment: LeadAssignment) async throws
    /// Each lead's assignments, oldest first.
    func assignments(of leadIDs: [String]) async throws -> [String: [LeadAssignment]]
}

public struct EngagementFilter: Sendable {
    public var leadID: String?
    /// A contact's events and its converted leads'.
    public var contactID: String?
    public var type: EngagementType?

    public init(leadID: String? = nil, contactID: String? = nil, type: EngagementType? = nil) {
        self.leadID = leadID
        self.contactID = contactID
        self.type = type
    }
}

public protocol EngagementRecords {
    func insert(_ events: [EngagementEvent]) async throws
    /// Oldest `occurred_at` first.
    func list(_ filter: EngagementFilter, _ page: PageRequest) async throws -> Page<EngagementEvent>
    /// The events of each of `leadIDs` (nil: of every lead) that scoring reads, any order.
    func scored(leads leadIDs: [String]?) async throws -> [String: [ScoredEvent]]
    /// How many events of each of `leadIDs` each of `rules` counts as of `asOf` (a window's events matching its type,
    /// url pattern and asset), in the rules' order; a lead without any is absent. What a score at that one instant needs,
    /// counted in one pass.
    func counts(leads leadIDs: [String], countedBy rules: [BehaviorRule], asOf: Date) async throws -> [String: [Int]]
}

/// A saved segment: a name, what it holds, and its filter as given.
public struct SavedSegment: Sendable, Equatable {
    public var id: String
    public var name: String
    public var resource: SegmentResource
    /// The filter's JSON, as given.
    public var filter: String
    public var createdAt: Date
    public var updatedAt: Date

    public init(id: String, name: String, resource: SegmentResource, filter: String, createdAt: Date, updatedAt: Date) {
        self.id = id
        self.name = name
        self.resource = resource
        self.filter = filter
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }
}

public protocol SegmentRecords {
    func insert(_ segment: SavedSegment) async throws
    func update(_ segment: SavedSegment) async throws
    func delete(id: String) async throws
    func find(id: String) async throws -> SavedSegment?
    func list(_ page: PageRequest) async throws -> Page<SavedSegment>
    /// The ids of the members of `resource` passing `filter` as of `asOf`, in insertion order (no merged accounts;
    /// leads created ≤ `asOf`). The filter is evaluated by the database.
    func members(of resource: SegmentResource, _ filter: SegmentFilter, asOf: Date, _ page: PageRequest) async throws -> Page<String>
}
