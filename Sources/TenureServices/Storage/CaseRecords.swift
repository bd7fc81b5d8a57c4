import Foundation
import TenureCore

public struct CaseFilter: Sendable {
    public var accountID: String?
    public var externalID: String?
    /// Only cases opened at or before this instant.
    public var openedBy: Date?
    /// Only cases of the accounts this owner owns.
    public var owner: String?
    /// Only cases without (true) or with (false) a first response at `openedBy`.
    public var awaitingResponse: Bool?

    public init(accountID: String? = nil, externalID: String? = nil, openedBy: Date? = nil) {
        self.accountID = accountID
        self.externalID = externalID
        self.openedBy = openedBy
    }
}

public protocol CaseRecords {
    func insert(_ supportCase: SupportCase, at: Date) async throws
    func update(_ supportCase: SupportCase, at: Date) async throws
    func find(id: String) async throws -> SupportCase?
    func find(externalID: String) async throws -> SupportCase?
    /// Cases of `priority` opened in `(from, to]` with no first response before `answeredBy` after their opening.
    func unanswered(priority: CasePriority, openedAfter from: Date, through to: Date, within hours: Double) async throws -> [SupportCase]
    func list(_ filter: CaseFilter, _ page: PageRequest) async throws -> Page<SupportCase>
    /// The account's cases opened at or before `asOf`.
    func of(account accountID: String, openedBy asOf: Date) async throws -> [SupportCase]
    /// Every case opened before `to` that was opened, or changed, at or after `from`: all a window's metrics can need.
    func touched(from: Date, to: Date) async throws -> [SupportCase]
    /// The opening and first response of every case opened in `[from, to)`.
    func firstResponses(openedFrom from: Date, to: Date) async throws -> [(openedAt: Date, firstResponseAt: Date?)]
}
