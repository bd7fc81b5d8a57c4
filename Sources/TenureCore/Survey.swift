import Foundation

/// An NPS (0–10) or CSAT (1–5) answer.
public struct Survey: Sendable, Equatable {
    public var id: String
    public var accountID: String
    public var kind: SurveyKind
    public var score: Int
    public var respondedAt: Date
    public var contactID: String?
    public var comment: String?
    public var createdAt: Date

    public init(id: String, accountID: String, kind: SurveyKind, score: Int, respondedAt: Date, contactID: String?, comment: String?, createdAt: Date)
    {
        self.id = id
        self.accountID = accountID
        self.kind = kind
        self.score = score
        self.respondedAt = respondedAt
        self.contactID = contactID
        self.comment = comment
        self.createdAt = createdAt
    }

    public var response: SurveyResponse { SurveyResponse(kind: kind, score: score, contactID: contactID, at: respondedAt) }

    /// The scores a kind accepts.
    public static func scale(_ kind: SurveyKind) -> ClosedRange<Int> { kind == .nps ? 0...10 : 1...5 }
}

public enum SurveyKind: String, Codable, CaseIterable, Sendable {
    case nps, csat
}

public struct SurveyResponse: Sendable, Equatable {
    public var kind: SurveyKind
    public var score: Int
    public var contactID: String?
    public var at: Date

    public init(kind: SurveyKind, score: Int, contactID: String?, at: Date) {
        self.kind = kind
        self.score = score
        self.contactID = contactID
        self.at = at
    }
}
