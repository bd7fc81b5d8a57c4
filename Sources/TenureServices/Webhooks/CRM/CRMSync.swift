import Foundation
import TenureCore
import TenureJSON

/// The one way a CRM's change reaches Tenure, whichever format it came in (`WEBHOOKS.md`, CRM events;
/// `INTEGRATIONS.md`): upserts the account and the deal, places the stage in the deal's history at the change's own
/// time, and lets the one door decide who is a customer. Changes are placed by their own time, so the CRM is mirrored
/// whatever order deliveries arrive in, and a repeated stage adds nothing to the history.
public struct CRMSync: Sendable {
    static let actor = Actor(keyID: "crm", keyName: "crm-webhook")

    let currency: String
    let clock: Clock

    public init(currency: String, clock: Clock) {
        self.currency = currency
        self.clock = clock
    }

    /// The handler of each CRM source: the native CRM events and the three CRMs' own formats.
    public var handlers: [WebhookSource: any WebhookEventHandler] {
        [
            .crm: CRMEventHandler(sync: self),
            .hubspot: CRMFormatHandler(format: HubSpotEvent(), sync: self),
            .pipedrive: CRMFormatHandler(format: PipedriveEvent(), sync: self),
            .salesforce: CRMFormatHandler(format: SalesforceNotification(), sync: self),
        ]
    }

    public func apply(_ change: CRMChange, in tx: any Transaction) async throws -> WebhookApplication {
        if let currency = change.deal?.currency, currency != self.currency {
            return .ignored("the deal's currency \(currency) is not the reporting currency \(self.currency)")
        }
        let now = clock.now()
        let account = try await change.company.asyncFlatMap { try await upsertAccount($0, at: change.occurredAt, in: tx) }
        guard let deal = change.deal else { return .processed }
        // Held while the deal is looked up and then created or left waiting: one of two writers sees the other's commit.
        try await tx.lock(.opportunityExternalID(deal.externalID))
        let existing = try await tx.opportunities.find(externalID: deal.externalID)
        guard let accountID = account?.id ?? existing?.accountID else {
            switch change.withoutCompany {
            case .waitForDeal:
                return WebhookApplication(
                    status: .pending,
                    reason: "waits for the deal \(deal.externalID)",
                    waitingFor: Self.waitingKey(deal: deal.externalID)
                )
            case .dealsAccount:
                throw ValidationError("no_account", "the delivery names no company and no deal with external_id \(deal.externalID) is known")
            }
        }
        let opportunity = try await upsertOpportunity(deal, existing: existing, accountID: accountID, change: change, in: tx)
        if let stage = change.stage {
            try await tx.addStageChange(
                StageChange(
                    stage: stage.stage,
                    at: change.occurredAt,
                    order: change.order,
                    lostReason: stage.stage == .closedLost ? stage.lostReason : nil
                ),
                to: opportunity,
                // A deal this change created has its first stage only.
                recorded: existing == nil ? [StageChange(stage: .prospecting, at: opportunity.createdAt)] : nil,
                now: now
            )
            if stage.stage == .closedWon, let terms = change.contract {
                try await applyContract(terms, billedThroughStripe: change.company?.stripeCustomerID != nil, opportunity: opportunity, in: tx)
            }
            try await tx.audit(Self.actor, "opportunity.stage", "opportunity", opportunity.id, at: now)
        }
        // An account's revenue facts hold its deals' first Closed Won: only a Closed Won, a contract or a deal that
        // changed accounts can change them.
        let movedFrom = existing.map(\.accountID).flatMap { $0 == accountID ? nil : $0 }
        if let movedFrom { try await RevenueBook.refresh(movedFrom, at: now, in: tx) }
        if change.stage?.stage == .closedWon || movedFrom != nil { try await RevenueBook.refresh(accountID, at: now, in: tx) }
        try await StripeLink.applyPendingEvents(
            of: change.company?.stripeCustomerID,
            in: tx,
            handler: StripeEventHandler(currency: currency, clock: clock)
        )
        if existing == nil {
            let handlers = self.handlers
            for event in try await tx.webhookEvents.pending(waitingFor: Self.waitingKey(deal: deal.externalID)) {
                guard let handler = handlers[event.source] else { continue }
                _ = try await WebhookService.apply(event, handler.prepare(event), in: tx)
            }
        }
        return .processed
    }

    /// What an event waiting for the deal `externalID` to appear waits for.
    static func waitingKey(deal externalID: String) -> String { "crm.deal:\(externalID)" }

    /// By `external_id`, then by domain; `external_id` wins when they name different accounts. Fields take the values
    /// of the latest change that carries them; a real name replaces a placeholder whenever it comes.
    private func upsertAccount(_ company: CRMChange.Company, at occurredAt: Date, in tx: any Transaction) async throws -> Account {
        var validator = Validator()
        let domain = company.domain.flatMap { domain in
            DomainName.normalize(domain)
                ?? {
                    validator.add("account.domain", "must be a domain name")
                    return nil
                }()
        }
        let segment = Segment.parse(company.segment, "account.segment", &validator)
        if company.externalID == nil, domain == nil { validator.add("account.external_id", "or account.domain is required") }
        try validator.check()
        if let domain { try await tx.lock(.accountDomain(domain)) }
        if let externalID = company.externalID { try await tx.lock(.accountExternalID(externalID)) }
        var existing = try await company.externalID.asyncFlatMap { try await tx.accounts.find(externalID: $0) }
        if existing == nil, let domain { existing = try await tx.accounts.find(domain: domain) }
        let now = clock.now()
        let name = company.name?.trimmingWhitespace().nilIfEmpty
        guard var account = existing else {
            guard let name = name ?? company.placeholderName else { throw ValidationError("account.name", "is required to create an account") }
            var account = Account(
                id: Identifier.make("acc", at: now),
                fields: AccountFields(
                    name: name,
                    domain: domain,
                    segment: segment,
                    industry: company.industry,
                    employeeCount: company.employeeCount,
                    owner: company.owner,
                    externalID: company.externalID,
                    stripeCustomerID: company.stripeCustomerID
                ),
                at: now
            )
            if company.hasFields { account.crmSyncedAt = occurredAt }
            try await tx.accounts.insert(account)
            tx.emitCreated(account, now: now)
            try await tx.audit(Self.actor, "account.create", "account", account.id, at: now)
            return account
        }
        let before = account
        if account.stripeCustomerID == nil, let customer = company.stripeCustomerID { account.stripeCustomerID = customer }
        if let name, account.name == company.placeholderName { account.name = name }
        if company.hasFields, account.crmSyncedAt.map({ occurredAt >= $0 }) ?? true {
            account.name = name ?? account.name
            if let domain, domain != account.domain, try await tx.accounts.find(domain: domain) == nil { account.domain = domain }
            account.segment = segment ?? account.segment
            account.industry = company.industry ?? account.industry
            account.employeeCount = company.employeeCount ?? account.employeeCount
            account.owner = company.owner ?? account.owner
            if let externalID = company.externalID, externalID != account.externalID, try await tx.accounts.find(externalID: externalID) == nil {
                account.externalID = externalID
            }
            account.stripeCustomerID = company.stripeCustomerID ?? account.stripeCustomerID
            account.crmSyncedAt = occurredAt
        }
        guard account != before else { return account }
        account.updatedAt = now
        try await tx.accounts.update(account)
        tx.emitUpdate(of: before, to: account, now: now)
        return account
    }

    /// By `external_id`; a new deal starts in `prospecting` at its `created_at` (never after the change). Fields take
    /// the values of the latest change.
    private func upsertOpportunity(
        _ deal: CRMChange.Deal,
        existing: Opportunity?,
        accountID: String,
        change: CRMChange,
        in tx: any Transaction
    ) async throws -> Opportunity {
        let now = clock.now()
        let occurredAt = change.occurredAt
        var validator = Validator()
        if let existing {
            var opportunity = existing
            opportunity.accountID = accountID
            if opportunity.crmSyncedAt.map({ occurredAt >= $0 }) ?? true {
                let fields = OpportunityFields.validated(
                    name: deal.name ?? opportunity.name,
                    amount: deal.amount ?? opportunity.amount,
                    currency: currency,
                    reportingCurrency: currency,
                    closeDate: deal.closeDate ?? opportunity.closeDate,
                    owner: deal.owner ?? opportunity.owner,
                    type: deal.type ?? opportunity.type.rawValue,
                    validator: &validator
                )
                try validator.nested(under: "opportunity").check()
                opportunity.apply(fields, at: now)
                opportunity.crmSyncedAt = occurredAt
            }
            if opportunity != existing {
                opportunity.updatedAt = now
                try await tx.opportunities.update(opportunity)
                try await tx.emitForecastChange(from: existing, to: opportunity, now: now)
            }
            return opportunity
        }
        let createdAt = min(deal.createdAt ?? occurredAt, occurredAt)
        let fields = OpportunityFields.validated(
            name: deal.name,
            amount: deal.amount ?? 0,
            currency: deal.currency ?? currency,
            reportingCurrency: currency,
            closeDate: deal.closeDate,
            owner: deal.owner,
            type: deal.type,
            validator: &validator
        )
        try validator.nested(under: "opportunity").check()
        var opportunity = Opportunity(
            id: Identifier.make("opp", at: now),
            accountID: accountID,
            fields: fields,
            currency: currency,
            externalID: deal.externalID,
            createdAt: createdAt,
            at: now
        )
        opportunity.crmSyncedAt = occurredAt
        try await tx.insert(opportunity, startingWith: StageChange(stage: .prospecting, at: createdAt), now: now)
        try await tx.audit(Self.actor, "opportunity.create", "opportunity", opportunity.id, at: now)
        return opportunity
    }

    /// The Closed Won's contract block: the deal's manual contract (created, or updated on a repeated Closed Won) —
    /// unless the deal is billed through Stripe, where it only records the renewal date.
    func applyContract(_ terms: CRMEvent.ContractTerms, billedThroughStripe: Bool, opportunity: Opportunity, in tx: any Transaction) async throws {
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
            let before = contract
            contract.accountID = opportunity.accountID
            contract.apply(checked, autoRenew: autoRenew, at: now)
            try await tx.contracts.update(contract)
            tx.emitContract(from: before, to: contract, now: now)
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
            tx.emitContract(from: nil, to: contract, now: now)
            try await tx.audit(Self.actor, "contract.create", "contract", contract.id, at: now)
        }
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
