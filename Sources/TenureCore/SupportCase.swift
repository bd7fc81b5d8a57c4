import Foundation

public enum CaseStatus: String, Codable, CaseIterable, Sendable {
    case open, resolved
}

/// A resolve (`to: resolved`) or reopen (`to: open`) of a case.
public struct CaseTransition: Codable, Sendable, Equatable {
    public var to: CaseStatus
    public var at: Date

    public init(to: CaseStatus, at: Date) {
        self.to = to
        self.at = at
    }
}

/// A support case with its history, so its state can be read as of any instant.
public struct SupportCase: Sendable, Equatable {
    public var id: String
    public var accountID: String
    public var subject: String
    public var priority: CasePriority
    public var openedAt: Date
    public var contactID: String?
    public var externalID: String?
    public var firstResponseAt: Date?
    /// Resolves and reopens, oldest first.
    public var transitions: [CaseTransition]
    public var createdAt: Date

    public init(
        id: String,
        accountID: String,
        subject: String,
        priority: CasePriority,
        openedAt: Date,
        contactID: String?,
        externalID: String?,
        firstResponseAt: Date? = nil,
        transitions: [CaseTransition] = [],
        createdAt: Date
    ) {
        self.id = id
        self.accountID = accountID
        self.subject = subject
        self.priority = priority
        self.openedAt = openedAt
        self.contactID = contactID
        self.externalID = externalID
        self.firstResponseAt = firstResponseAt
        self.transitions = transitions
        self.createdAt = createdAt
    }

    public func status(at asOf: Date) -> CaseStatus { transitions.last { $0.at <= asOf }?.to ?? .open }

    /// When the case was (finally, as of `asOf`) resolved; nil while it is open.
    public func resolvedAt(asOf: Date) -> Date? {
        guard let last = transitions.last(where: { $0.at <= asOf }), last.to == .resolved else { return nil }
        return last.at
    }

    public func firstResponse(asOf: Date) -> Date? { firstResponseAt.flatMap { $0 <= asOf ? $0 : nil } }

    /// When the first response is due under `targets` (hours per priority).
    public func firstResponseDue(_ targets: SupportTargets) -> Date { openedAt.addingTimeInterval(targets.hours(priority) * 3_600) }

    /// What the health score reads of the case at `asOf`.
    public func facts(asOf: Date) -> CaseFacts {
        CaseFacts(priority: priority, openedAt: openedAt, firstResponseAt: firstResponse(asOf: asOf), isOpen: status(at: asOf) == .open)
    }

    public func breached(_ targets: SupportTargets, asOf: Date) -> Bool {
        facts(asOf: asOf).breached(targetHours: targets.hours(priority), asOf: asOf)
    }

    /// The instant a transition or response at `at` may not precede: the opening and the latest transition.
    public var latestEvent: Date { transitions.last.map { max($0.at, openedAt) } ?? openedAt }
}

public enum CasePriority: String, Codable, CaseIterable, Sendable {
    case low, normal, high, urgent

    /// Default first-response targets (`METRICS.md`, Support).
    public var defaultTargetHours: Double {
        switch self {
        case .urgent: 1
        case .high: 4
        case .normal: 8
        case .low: 24
        }
    }
}
