import Foundation
import TenureCore

/// What one CRM event says in Tenure's terms, whatever format it came in: the native CRM event of `WEBHOOKS.md` or a
/// HubSpot, Pipedrive or Salesforce delivery (`INTEGRATIONS.md`). `CRMSync` applies it.
public struct CRMChange: Sendable {
    /// The company; a deal delivery may name only its id.
    public struct Company: Sendable {
        public var externalID: String?
        public var name: String?
        /// The name an unknown company's account is created with when no real one came (`HubSpot company 42`).
        public var placeholderName: String?
        public var domain: String?
        public var segment: String?
        public var industry: String?
        public var employeeCount: Int?
        public var owner: String?
        public var stripeCustomerID: String?

        public init(externalID: String?) { self.externalID = externalID }

        /// Whether it carries any of the account's fields, rather than only naming the company.
        var hasFields: Bool {
            name != nil || domain != nil || segment != nil || industry != nil || employeeCount != nil || owner != nil
        }
    }

    /// The deal; nil fields keep their stored values.
    public struct Deal: Sendable {
        public var externalID: String
        public var name: String?
        /// In minor units of `currency`.
        public var amount: Int?
        public var currency: String?
        public var createdAt: Date?
        public var owner: String?
        public var type: String?
        public var closeDate: String?

        public init(externalID: String) { self.externalID = externalID }
    }

    /// The stage the deal is in, with why it was lost.
    public struct Stage: Sendable {
        public var stage: PipelineStage
        public var lostReason: String?

        public init(_ stage: PipelineStage, lostReason: String? = nil) {
            self.stage = stage
            self.lostReason = lostReason
        }
    }

    /// Where the account comes from when the change names no company.
    public enum WithoutCompany: Sendable {
        /// The deal's stored account; an unknown deal fails (`no_account`).
        case dealsAccount
        /// The deal's stored account; an unknown deal waits `pending` until it appears (HubSpot's webhooks API sends no
        /// company).
        case waitForDeal
    }

    /// When the change happened in the CRM: it places the stage in the history and decides which fields are latest.
    public var occurredAt: Date
    /// Orders changes at the same instant (the event id).
    public var order: String
    public var company: Company?
    public var deal: Deal?
    public var stage: Stage?
    public var contract: CRMEvent.ContractTerms?
    public var withoutCompany = WithoutCompany.dealsAccount

    public init(occurredAt: Date, order: String) {
        self.occurredAt = occurredAt
        self.order = order
    }
}

/// What reading one CRM event gave: a change to apply, or a reason to ignore it.
public enum CRMReading: Sendable {
    case change(CRMChange)
    case ignored(String)
}
