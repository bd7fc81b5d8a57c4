import Foundation
import TenureCore
import TenureJSON

/// The body of a CRM delivery (`WEBHOOKS.md`, CRM events). Every field is optional here; `CRMEventHandler` says
/// which ones an event needs.
public struct CRMEvent: Decodable, Sendable {
    struct Account: Decodable, Sendable {
        var externalId: String?
        var name: String?
        var domain: String?
        var segment: String?
        var industry: String?
        var owner: String?
    }

    struct Opportunity: Decodable, Sendable {
        var externalId: String?
        var name: String?
        var amount: Int?
        var currency: String?
        var createdAt: String?
        var owner: String?
        var type: String?
        var closeDate: String?
        var lostReason: String?
    }

    struct Billing: Decodable, Sendable {
        var stripeCustomerId: String?
    }

    public struct ContractTerms: Decodable, Sendable {
        var startDate: String?
        var endDate: String?
        var billingInterval: String?
        var recurringAmount: Int?
        var autoRenew: Bool?
    }

    var type: String
    var occurredAt: String?
    var stage: String?
    var account: Account?
    var opportunity: Opportunity?
    var billing: Billing?
    var contract: ContractTerms?

    /// Reads a delivery's body; nil when it does not have the shape of a CRM event.
    static func decode(_ payload: [UInt8]) -> CRMEvent? {
        try? JSONDecoder.snakeCase.decode(CRMEvent.self, from: Data(payload))
    }
}

extension JSONDecoder {
    /// Decodes `snake_case` keys into camelCase properties.
    static var snakeCase: JSONDecoder {
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        return decoder
    }
}

/// Reads the native CRM events of `WEBHOOKS.md` into changes for `CRMSync`: the three types, with `occurred_at`, an
/// account block and the opportunity's `external_id` required, and a lost reason required for `closed_lost`.
public struct CRMEventHandler: WebhookEventHandler {
    let sync: CRMSync

    public func read(_ event: WebhookEvent, parsed: JSONValue?) throws -> CRMReading {
        guard let body = CRMEvent.decode(event.payload) else { throw ValidationError("body", "does not have the shape of a CRM event") }
        let stage: PipelineStage
        switch body.type {
        case "opportunity.closed_won": stage = .closedWon
        case "opportunity.closed_lost": stage = .closedLost
        case "opportunity.stage_changed":
            guard let name = body.stage else { throw ValidationError("stage", "is required") }
            guard let open = PipelineStage(rawValue: name), !open.isClosed else {
                throw ValidationError("stage", "must be one of " + PipelineStage.open.map(\.rawValue).joined(separator: ", "))
            }
            stage = open
        default:
            return .ignored("Tenure does not handle \(body.type) events")
        }
        var validator = Validator()
        let occurredAt = body.occurredAt.flatMap(Timestamp.parseInstant)
        if body.occurredAt == nil {
            validator.add("occurred_at", "is required")
        } else if occurredAt == nil {
            validator.add("occurred_at", "must be an RFC 3339 instant")
        }
        validator.required(body.account, "account")
        validator.required(body.opportunity?.externalId, "opportunity.external_id")
        let lostReason = body.opportunity?.lostReason?.trimmingWhitespace()
        if stage == .closedLost, lostReason?.isEmpty ?? true { validator.add("opportunity.lost_reason", "is required for closed_lost") }
        let createdAt = body.opportunity?.createdAt.flatMap(Timestamp.parseInstant)
        if body.opportunity?.createdAt != nil, createdAt == nil { validator.add("opportunity.created_at", "must be an RFC 3339 instant") }
        try validator.check()
        guard let occurredAt, let account = body.account, let opportunity = body.opportunity, let externalID = opportunity.externalId else {
            throw ValidationError("body", "is incomplete")
        }
        var change = CRMChange(occurredAt: occurredAt, order: event.eventID)
        var company = CRMChange.Company(externalID: account.externalId)
        company.name = account.name
        company.domain = account.domain
        company.segment = account.segment
        company.industry = account.industry
        company.owner = account.owner
        company.stripeCustomerID = body.billing?.stripeCustomerId
        change.company = company
        var deal = CRMChange.Deal(externalID: externalID)
        deal.name = opportunity.name
        deal.amount = opportunity.amount
        deal.currency = opportunity.currency
        deal.createdAt = createdAt
        deal.owner = opportunity.owner
        deal.type = opportunity.type
        deal.closeDate = opportunity.closeDate
        change.deal = deal
        change.stage = CRMChange.Stage(stage, lostReason: lostReason)
        change.contract = body.contract
        return .change(change)
    }

    public func apply(_ reading: CRMReading, of event: WebhookEvent, in tx: any Transaction) async throws -> WebhookApplication {
        switch reading {
        case .ignored(let reason): .ignored(reason)
        case .change(let change): try await sync.apply(change, in: tx)
        }
    }

    /// Applies the contract blocks of Closed Won events processed before contracts existed (issue 3 stored them with
    /// the event); idempotent, since a block creates or updates the deal's one contract.
    func applyStoredContractBlocks(in tx: any Transaction) async throws {
        let now = sync.clock.now()
        var page = PageRequest(limit: 500)
        repeat {
            let events = try await tx.webhookEvents.list(WebhookEventFilter(source: .crm, status: .processed, type: "opportunity.closed_won"), page)
            for event in events.items {
                guard let body = CRMEvent.decode(event.payload), let terms = body.contract,
                    let opportunity = try await body.opportunity?.externalId.asyncFlatMap({ try await tx.opportunities.find(externalID: $0) })
                else { continue }
                try await tx.nested {
                    try await sync.applyContract(terms, billedThroughStripe: body.billing?.stripeCustomerId != nil, opportunity: opportunity, in: tx)
                    try await RevenueBook.refresh(opportunity.accountID, at: now, in: tx)
                }
            }
            page.after = events.next
        } while page.after != nil
    }
}
