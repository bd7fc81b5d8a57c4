import Foundation
import TenureCore

public struct ContactFilter: Sendable {
    public var accountID: String?
    public var role: ContactRole?
    public var email: String?
    public var externalID: String?

    public init(accountID: String? = nil, role: ContactRole? = nil, email: String? = nil, externalID: String? = nil) {
        self.accountID = accountID
        self.role = role
        self.email = email
        self.externalID = externalID
    }
}

public protocol ContactRecords {
    /// Every contact not erased (at a live account): id, name, email, account, oldest first: what the duplicate finder keys.
    func identities() async throws -> [(id: String, name: String, email: String?, accountID: String)]
    func insert(_ contact: Contact) async throws
    func update(_ contact: Contact) async throws
    func find(id: String) async throws -> Contact?
    /// The first contact with `externalID` (external ids of contacts are not unique).
    func find(externalID: String) async throws -> Contact?
    func find(accountID: String, email: String) async throws -> Contact?
    /// Every contact with `email`, at any account, oldest first.
    func find(email: String) async throws -> [Contact]
    func find(ids: [String]) async throws -> [Contact]
    func list(_ filter: ContactFilter, _ page: PageRequest) async throws -> Page<Contact>
    func of(account accountID: String) async throws -> [Contact]
    /// The ids of `source`'s activities, surveys, consents and cases; moved onto `target` when given.
    func mergeRecords(of source: String, onto target: String?) async throws -> MergedRecords
    /// The latest activity linked to each contact, at or before `asOf`.
    func lastContacted(_ contactIDs: [String], asOf: Date) async throws -> [String: Date]
    /// For each account, the latest activity with any contact of `role` there, at or before `asOf` (none without one).
    func lastContacts(accounts accountIDs: [String], role: ContactRole, asOf: Date) async throws -> [String: Date]
}

extension ContactRecords {
    /// The latest activity with any contact of `role` at the account, at or before `asOf`.
    public func lastContact(account accountID: String, role: ContactRole, asOf: Date) async throws -> Date? {
        try await lastContacts(accounts: [accountID], role: role, asOf: asOf)[accountID]
    }
}

/// What a contact merge moves, by table (`INSIGHTS.md`, "Contact merge").
public struct MergedRecords: Sendable, Equatable {
    public var activities: [String] = []
    public var surveys: [String] = []
    public var consents: [String] = []
    public var cases: [String] = []

    public init() {}

    /// The tables whose `contact_id` a merge moves.
    public static let tables = ["activities", "surveys", "consents", "cases"]

    public subscript(table: String) -> [String] {
        get {
            switch table {
            case "activities": activities
            case "surveys": surveys
            case "consents": consents
            default: cases
            }
        }
        set {
            switch table {
            case "activities": activities = newValue
            case "surveys": surveys = newValue
            case "consents": consents = newValue
            default: cases = newValue
            }
        }
    }
}
