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

/// First-response targets in hours per priority (`GET/PUT /v1/settings/support`).
public struct SupportTargets: Sendable, Equatable, Codable {
    public var firstResponseHours: [CasePriority: Double]

    public static let defaults = SupportTargets(
        firstResponseHours: Dictionary(uniqueKeysWithValues: CasePriority.allCases.map { ($0, $0.defaultTargetHours) })
    )

    public init(firstResponseHours: [CasePriority: Double]) { self.firstResponseHours = firstResponseHours }

    public func hours(_ priority: CasePriority) -> Double { firstResponseHours[priority] ?? priority.defaultTargetHours }

    /// Every priority needs a target greater than 0 and at most a year.
    public static func validated(_ hours: [String: Double]?) throws -> SupportTargets {
        var validator = Validator()
        let checked: [CasePriority: Double] = validator.everyCase(hours, "first_response_hours", of: "priority") {
            $0 > 0 && $0 <= 8_760 ? nil : "must be > 0 and at most 8760"
        }
        try validator.check()
        return SupportTargets(firstResponseHours: checked)
    }
}

/// `GET /v1/metrics/support` (`METRICS.md`, Support) over the window [from, to), as of `asOf`.
public struct SupportMetrics: Sendable, Equatable {
    public var casesOpened: Int
    public var casesResolved: Int
    public var resolvedSameDay: Int
    public var avgFirstResponseHours: Double?
    public var avgResolutionHours: Double?
    public var slaComplianceRate: Double?

    public init(cases: [SupportCase], from: Date, to: Date, asOf: Date, targets: SupportTargets) {
        func inWindow(_ date: Date) -> Bool { date >= from && date < to && date <= asOf }
        let opened = cases.filter { inWindow($0.openedAt) }
        let resolved = cases.compactMap { item in item.resolvedAt(asOf: asOf).flatMap { inWindow($0) ? (item, $0) : nil } }
        casesOpened = opened.count
        casesResolved = resolved.count
        resolvedSameDay = resolved.filter { Timestamp.formatDate($0.0.openedAt) == Timestamp.formatDate($0.1) }.count
        avgFirstResponseHours = Self.avgFirstResponseHours(of: opened.map { ($0.openedAt, $0.firstResponseAt) }, from: from, to: to, asOf: asOf)
        avgResolutionHours = mean(resolved.map { $0.1.timeIntervalSince($0.0.openedAt) / 3_600 })
        // Judged: due by asOf, or already answered.
        let judged = opened.filter { $0.firstResponseDue(targets) <= asOf || $0.firstResponse(asOf: asOf) != nil }
        slaComplianceRate = ratio(judged.filter { !$0.breached(targets, asOf: asOf) }.count, judged.count)
    }

    /// The mean hours from opening to the first response of the cases opened in `[from, to)` by `asOf`, the
    /// responses counted as of `asOf` (other cases are skipped).
    public static func avgFirstResponseHours(of cases: [(openedAt: Date, firstResponseAt: Date?)], from: Date, to: Date, asOf: Date) -> Double? {
        mean(
            cases.compactMap { item in
                guard item.openedAt >= from, item.openedAt < to, item.openedAt <= asOf, let response = item.firstResponseAt, response <= asOf else {
                    return nil
                }
                return response.timeIntervalSince(item.openedAt) / 3_600
            }
        )
    }
}
