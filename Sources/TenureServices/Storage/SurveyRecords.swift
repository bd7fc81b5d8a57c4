import Foundation
import TenureCore

public struct SurveyFilter: Sendable {
    public var accountID: String?
    public var kind: SurveyKind?

    public init(accountID: String? = nil, kind: SurveyKind? = nil) {
        self.accountID = accountID
        self.kind = kind
    }
}

public protocol SurveyRecords {
    func insert(_ survey: Survey) async throws
    func list(_ filter: SurveyFilter, _ page: PageRequest) async throws -> Page<Survey>
    /// The account's responses in (from, to].
    func of(account accountID: String, after from: Date, upTo to: Date) async throws -> [Survey]
}
