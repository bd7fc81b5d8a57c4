import Foundation
import TenureCore

/// A customer's health inputs with nothing in them but what a test sets.
func healthInputs(
    segment: Segment? = .smb,
    usage: [UsageRecord] = [],
    contacts: [(role: ContactRole, strength: RelationshipStrength)] = [],
    lastUser: Date? = nil,
    lastExecutive: Date? = nil,
    cases: [CaseFacts] = [],
    surveys: [SurveyResponse] = [],
    billing: BillingFacts = BillingFacts(liveContractStatuses: [], hasScheduledEnd: false, unresolvedFailedPayment: false),
    renewalDate: Date? = nil
) -> HealthInputs {
    HealthInputs(
        segment: segment,
        usage: usage,
        contacts: contacts,
        lastUserContact: lastUser,
        lastExecutiveContact: lastExecutive,
        cases: cases,
        surveys: surveys,
        billing: billing,
        renewalDate: renewalDate
    )
}
