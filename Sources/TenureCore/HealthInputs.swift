import Foundation

/// A support case as of an instant.
public struct CaseFacts: Sendable, Equatable {
    public var priority: CasePriority
    public var openedAt: Date
    public var firstResponseAt: Date?
    public var isOpen: Bool

    public init(priority: CasePriority, openedAt: Date, firstResponseAt: Date?, isOpen: Bool) {
        self.priority = priority
        self.openedAt = openedAt
        self.firstResponseAt = firstResponseAt
        self.isOpen = isOpen
    }

    /// No first response by `opened_at + target` (once that time has come), or a first response after it.
    public func breached(targetHours: Double, asOf: Date) -> Bool {
        let due = openedAt.addingTimeInterval(targetHours * 3_600)
        if let firstResponseAt { return firstResponseAt > due }
        return due < asOf
    }
}

/// What the billing component reads of an account's live contracts and payments.
public struct BillingFacts: Sendable, Equatable {
    /// Each live contract's status: `active` for a manual contract, the subscription status for a Stripe one.
    public var liveContractStatuses: [String]
    public var hasScheduledEnd: Bool
    /// A payment failed in the last 30 days with no later success.
    public var unresolvedFailedPayment: Bool

    public init(liveContractStatuses: [String], hasScheduledEnd: Bool, unresolvedFailedPayment: Bool) {
        self.liveContractStatuses = liveContractStatuses
        self.hasScheduledEnd = hasScheduledEnd
        self.unresolvedFailedPayment = unresolvedFailedPayment
    }
}

/// Everything the scorecard reads of one account at `asOf`.
public struct HealthInputs: Sendable {
    public var segment: Segment?
    public var usage: [UsageRecord]
    public var contacts: [(role: ContactRole, strength: RelationshipStrength)]
    public var lastUserContact: Date?
    public var lastExecutiveContact: Date?
    public var cases: [CaseFacts]
    public var surveys: [SurveyResponse]
    public var billing: BillingFacts
    /// The account's earliest renewal date (`METRICS.md`), for `renewal_exec_silence`.
    public var renewalDate: Date?
    /// Its executives, whose NPS makes `promoter_executive`.
    public var executiveContactIDs: Set<String>

    public init(
        segment: Segment?,
        usage: [UsageRecord],
        contacts: [(role: ContactRole, strength: RelationshipStrength)],
        lastUserContact: Date?,
        lastExecutiveContact: Date?,
        cases: [CaseFacts],
        surveys: [SurveyResponse],
        billing: BillingFacts,
        renewalDate: Date? = nil,
        executiveContactIDs: Set<String> = []
    ) {
        self.executiveContactIDs = executiveContactIDs
        self.segment = segment
        self.usage = usage
        self.contacts = contacts
        self.lastUserContact = lastUserContact
        self.lastExecutiveContact = lastExecutiveContact
        self.cases = cases
        self.surveys = surveys
        self.billing = billing
        self.renewalDate = renewalDate
    }

    /// Strong executive relationships needed: 2 for enterprise accounts, 1 otherwise.
    public var executivesRequired: Int { segment == .enterprise ? 2 : 1 }

    public func strongRelationships(_ role: ContactRole) -> Int { contacts.filter { $0.role == role && $0.strength.isStrong }.count }
}
