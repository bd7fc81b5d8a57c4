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

    struct ContractTerms: Decodable, Sendable {
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

/// Applies CRM events: upserts the account and the opportunity and records the stage change at `occurred_at`.
/// Changes are placed in the history by their own time, so the CRM is mirrored whatever order deliveries arrive in.
public struct CRMEventHandler: WebhookEventHandler {
    static let actor = Actor(keyID: "crm", keyName: "crm-webhook")

    let currency: String
    let clock: Clock

    public init(currency: String, clock: Clock) {
        self.currency = currency
        self.clock = clock
    }

    public func read(_ event: WebhookEvent, parsed: JSONValue?) throws -> CRMEvent {
        guard let body = CRMEvent.decode(event.payload) else { throw ValidationError("body", "does not have the shape of a CRM event") }
        return body
    }

    public func apply(_ body: CRMEvent, of event: WebhookEvent, in tx: any Transaction) async throws -> WebhookApplication {
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
        try validator.check()
        guard let occurredAt, let accountBlock = body.account, let opportunityBlock = body.opportunity else {
            throw ValidationError("body", "is incomplete")
        }
        if let currency = opportunityBlock.currency, currency != self.currency {
            return .ignored("the opportunity's currency \(currency) is not the reporting currency \(self.currency)")
        }
        let account = try await upsertAccount(accountBlock, billing: body.billing, at: occurredAt, in: tx)
        let (opportunity, previousAccount) = try await upsertOpportunity(opportunityBlock, accountID: account.id, at: occurredAt, in: tx)
        let change = StageChange(stage: stage, at: occurredAt, order: event.eventID, lostReason: stage == .closedLost ? lostReason : nil)
        try await tx.opportunities.addChange(change, to: opportunity.id)
        if stage == .closedWon, let terms = body.contract {
            try await applyContract(terms, billedThroughStripe: body.billing?.stripeCustomerId != nil, opportunity: opportunity, in: tx)
        }
        try await tx.audit(Self.actor, "opportunity.stage", "opportunity", opportunity.id, at: clock.now())
        if let previousAccount, previousAccount != account.id { try await RevenueBook.refresh(previousAccount, in: tx) }
        try await RevenueBook.refresh(account.id, in: tx)
        try await StripeLink.applyPendingEvents(
            of: body.billing?.stripeCustomerId,
            in: tx,
            handler: StripeEventHandler(currency: currency, clock: clock)
        )
        return .processed
    }

    /// By `external_id`, then by domain; `external_id` wins when they name different accounts. Fields take the values
    /// of the latest `occurred_at`.
    private func upsertAccount(
        _ block: CRMEvent.Account,
        billing: CRMEvent.Billing?,
        at occurredAt: Date,
        in tx: any Transaction
    ) async throws -> Account {
        var validator = Validator()
        let domain = block.domain.flatMap { domain in
            DomainName.normalize(domain)
                ?? {
                    validator.add("account.domain", "must be a domain name")
                    return nil
                }()
        }
        let segment = Segment.parse(block.segment, "account.segment", &validator)
        if block.externalId == nil, domain == nil { validator.add("account.external_id", "or account.domain is required") }
        try validator.check()
        var existing = try await block.externalId.asyncFlatMap { try await tx.accounts.find(externalID: $0) }
        if existing == nil, let domain { existing = try await tx.accounts.find(domain: domain) }
        let now = clock.now()
        guard var account = existing else {
            guard let name = block.name?.trimmingWhitespace(), !name.isEmpty else {
                throw ValidationError("account.name", "is required to create an account")
            }
            var account = Account(
                id: Identifier.make("acc", at: now),
                fields: AccountFields(
                    name: name,
                    domain: domain,
                    segment: segment,
                    industry: block.industry,
                    owner: block.owner,
                    externalID: block.externalId,
                    stripeCustomerID: billing?.stripeCustomerId
                ),
                at: now
            )
            account.crmSyncedAt = occurredAt
            try await tx.accounts.insert(account)
            try await tx.audit(Self.actor, "account.create", "account", account.id, at: now)
            return account
        }
        if account.stripeCustomerID == nil, let customer = billing?.stripeCustomerId { account.stripeCustomerID = customer }
        if account.crmSyncedAt.map({ occurredAt >= $0 }) ?? true {
            account.name = block.name?.trimmingWhitespace().nilIfEmpty ?? account.name
            if let domain, try await tx.accounts.find(domain: domain).map({ $0.id == account.id }) ?? true { account.domain = domain }
            account.segment = segment ?? account.segment
            account.industry = block.industry ?? account.industry
            account.owner = block.owner ?? account.owner
            if let externalID = block.externalId, try await tx.accounts.find(externalID: externalID) == nil { account.externalID = externalID }
            account.stripeCustomerID = billing?.stripeCustomerId ?? account.stripeCustomerID
            account.crmSyncedAt = occurredAt
        }
        account.updatedAt = now
        try await tx.accounts.update(account)
        return account
    }

    /// Applies the contract blocks of Closed Won events processed before contracts existed (issue 3 stored them with
    /// the event); idempotent, since a block creates or updates the deal's one contract.
    func applyStoredContractBlocks(in tx: any Transaction) async throws {
        var page = PageRequest(limit: 500)
        repeat {
            let events = try await tx.webhookEvents.list(WebhookEventFilter(source: .crm, status: .processed, type: "opportunity.closed_won"), page)
            for event in events.items {
                guard let body = CRMEvent.decode(event.payload), let terms = body.contract,
                    let opportunity = try await body.opportunity?.externalId.asyncFlatMap({ try await tx.opportunities.find(externalID: $0) })
                else { continue }
                try await tx.nested {
                    try await applyContract(terms, billedThroughStripe: body.billing?.stripeCustomerId != nil, opportunity: opportunity, in: tx)
                    try await RevenueBook.refresh(opportunity.accountID, in: tx)
                }
            }
            page.after = events.next
        } while page.after != nil
    }

    /// The Closed Won's contract block: the deal's manual contract (created, or updated on a repeated Closed Won) —
    /// unless the deal is billed through Stripe, where it only records the renewal date.
    private func applyContract(
        _ terms: CRMEvent.ContractTerms,
        billedThroughStripe: Bool,
        opportunity: Opportunity,
        in tx: any Transaction
    ) async throws {
        if billedThroughStripe {
            var validator = Validator()
            let end = calendarDate(terms.endDate, "end_date", &validator)
            try validator.nested(under: "contract").check()
            try await tx.opportunities.setContractEndDate(end, of: opportunity.id)
            return
        }
        var validator = Validator()
        let checked = ContractTerms.validated(
            startDate: terms.startDate,
            endDate: terms.endDate,
            billingInterval: terms.billingInterval,
            recurringAmount: terms.recurringAmount,
            validator: &validator
        )
        try validator.nested(under: "contract").check()
        guard let checked else { throw ValidationError(validator.nested(under: "contract").errors) }
        let now = clock.now()
        let autoRenew = terms.autoRenew ?? true
        if var contract = try await tx.contracts.find(manualFor: opportunity.id) {
            contract.accountID = opportunity.accountID
            contract.apply(checked, autoRenew: autoRenew, at: now)
            try await tx.contracts.update(contract)
        } else {
            let contract = Contract.manual(
                id: Identifier.make("ctr", at: now),
                accountID: opportunity.accountID,
                opportunityID: opportunity.id,
                terms: checked,
                autoRenew: autoRenew,
                currency: currency,
                at: now
            )
            try await tx.contracts.insert(contract)
            try await tx.audit(Self.actor, "contract.create", "contract", contract.id, at: now)
        }
    }

    /// By `external_id`; a new deal starts in `prospecting` at its `created_at`. Also answers the deal's previous account.
    private func upsertOpportunity(
        _ block: CRMEvent.Opportunity,
        accountID: String,
        at occurredAt: Date,
        in tx: any Transaction
    ) async throws -> (Opportunity, previousAccount: String?) {
        let now = clock.now()
        var validator = Validator()
        let createdAt = min(block.createdAt.flatMap(Timestamp.parseInstant) ?? occurredAt, occurredAt)
        if let text = block.createdAt, Timestamp.parseInstant(text) == nil { validator.add("opportunity.created_at", "must be an RFC 3339 instant") }
        if let existing = try await block.externalId.asyncFlatMap({ try await tx.opportunities.find(externalID: $0) }) {
            var opportunity = existing
            opportunity.accountID = accountID
            if opportunity.crmSyncedAt.map({ occurredAt >= $0 }) ?? true {
                let fields = OpportunityFields.validated(
                    name: block.name ?? opportunity.name,
                    amount: block.amount ?? opportunity.amount,
                    currency: currency,
                    reportingCurrency: currency,
                    closeDate: block.closeDate ?? opportunity.closeDate,
                    owner: block.owner ?? opportunity.owner,
                    type: block.type ?? opportunity.type.rawValue,
                    validator: &validator
                )
                try validator.nested(under: "opportunity").check()
                opportunity.apply(fields, at: now)
                opportunity.crmSyncedAt = occurredAt
            }
            opportunity.updatedAt = now
            try await tx.opportunities.update(opportunity)
            return (opportunity, existing.accountID)
        }
        let fields = OpportunityFields.validated(
            name: block.name,
            amount: block.amount,
            currency: block.currency ?? currency,
            reportingCurrency: currency,
            closeDate: block.closeDate,
            owner: block.owner,
            type: block.type,
            validator: &validator
        )
        try validator.nested(under: "opportunity").check()
        var opportunity = Opportunity(
            id: Identifier.make("opp", at: now),
            accountID: accountID,
            fields: fields,
            currency: currency,
            externalID: block.externalId,
            createdAt: createdAt,
            at: now
        )
        opportunity.crmSyncedAt = occurredAt
        try await tx.insert(opportunity, startingWith: StageChange(stage: .prospecting, at: createdAt), by: Self.actor, at: now)
        return (opportunity, nil)
    }
}

extension Validator {
    /// The same checks with field names under `prefix` (the validator's fields are relative to a block of the body).
    func nested(under prefix: String) -> Validator {
        var nested = Validator()
        for error in errors { nested.add(error.field.hasPrefix(prefix + ".") ? error.field : "\(prefix).\(error.field)", error.message) }
        return nested
    }
}

extension String {
    var nilIfEmpty: String? { isEmpty ? nil : self }
}
