import Foundation
import TenureCore

/// One person's records: those with their contact's id, and those with their email (`PRIVACY.md`: one person, one email).
public struct ConsentPerson: Sendable, Equatable {
    public var contactIDs: [String]
    public var emails: [String]

    public init(contactIDs: [String] = [], emails: [String] = []) {
        self.contactIDs = contactIDs
        self.emails = emails
    }
}

public struct ConsentFilter: Sendable {
    /// Records of every one of these (each `contact_id` or `email` filter names one).
    public var people: [ConsentPerson] = []
    public var channel: ConsentChannel?
    public var purpose: ConsentPurpose?
    public var status: ConsentStatus?

    public init(channel: ConsentChannel? = nil, purpose: ConsentPurpose? = nil, status: ConsentStatus? = nil) {
        self.channel = channel
        self.purpose = purpose
        self.status = status
    }
}

public protocol ConsentRecords {
    func insert(_ consent: Consent) async throws
    func find(id: String) async throws -> Consent?
    /// Oldest `occurred_at` first; the cursor key is that time in milliseconds.
    func list(_ filter: ConsentFilter, _ page: PageRequest) async throws -> Page<Consent>
    /// Every record of anyone of `person`, oldest first.
    func of(_ person: ConsentPerson) async throws -> [Consent]
}
