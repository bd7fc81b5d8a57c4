import Foundation
import TenureCore

extension LeadService {
    /// `POST /v1/leads/{id}/convert` (`LEADS.md`, "Conversion"), in one transaction: the account (given, matched by
    /// the lead's domain, or new), the contact (the account's with the lead's email, or new), a deal if asked, then the
    /// lead `converted`. A conversion never makes a customer: that stays Closed Won and a verified payment.
    public func convert(_ id: String, _ input: ConversionInput, by actor: Actor) async throws -> LeadView {
        let now = clock.now()
        return try await storage.write { tx in
            var lead = try await LeadBook.changeable(id, in: tx)
            switch lead.status {
            case .converted: throw LeadAlreadyConverted(accountID: lead.accountID, contactID: lead.contactID, opportunityID: lead.opportunityID)
            case .disqualified: throw ServiceError.conflict("lead \(id) is disqualified")
            case .new, .working, .qualified: break
            }
            let at = try Self.actionInstant(input.at, lead: lead, now: now)
            let deal = try input.createOpportunity.map { try opportunity($0, of: lead, at: at, now: now) }
            let account = try await account(for: lead, given: input.accountId, now: now, in: tx)
            let contact = try await contact(for: lead, at: account, now: now, in: tx)
            if case (var opportunity, let first)? = deal {
                opportunity.accountID = account.id
                if input.createOpportunity?.name == nil { opportunity.name = account.name }
                try await pipeline.insert(opportunity, startingWith: first, in: tx)
                lead.opportunityID = opportunity.id
            }
            lead.status = .converted
            lead.convertedAt = at
            lead.accountID = account.id
            lead.contactID = contact
            lead.updatedAt = now
            try await tx.leads.update(lead)
            tx.emit(NewEvent(.leadConverted, account: account.id, at: at, subject: EventSubject(.lead, id)), now: now)
            try await tx.audit(actor, "lead.convert", "lead", id, at: now)
            return try await LeadBook.views([lead], asOf: now, in: tx)[0]
        }
    }

    /// The deal to create, checked before anything is stored: an open stage, created at the conversion.
    private func opportunity(_ input: ConversionInput.Opportunity, of lead: Lead, at: Date, now: Date) throws -> (Opportunity, StageChange) {
        let stage = PipelineStage(rawValue: input.stage ?? PipelineStage.prospecting.rawValue)
        if let stage, stage.isClosed { throw ValidationError("create_opportunity.stage", "must be an open stage") }
        let request = OpportunityInput(
            accountID: "pending",  // the account is found or made after every field is checked
            name: input.name ?? lead.name,
            amount: input.amount,
            currency: input.currency,
            stage: input.stage,
            closeDate: input.closeDate,
            owner: input.owner ?? lead.owner,
            type: nil,
            externalID: nil,
            createdAt: nil,
            lostReason: nil
        )
        do {
            var (opportunity, first) = try pipeline.validated(request, at: now)
            opportunity.createdAt = at
            first.at = at
            return (opportunity, first)
        } catch let error as ValidationError {
            throw error.nested(under: "create_opportunity")
        }
    }

    private func account(for lead: Lead, given accountID: String?, now: Date, in tx: any Transaction) async throws -> Account {
        if let accountID {
            try await requireLiveAccount(accountID, in: tx)
            guard let account = try await tx.accounts.find(id: accountID) else { throw ValidationError("account_id", "no account has this id") }
            return account
        }
        if let domain = lead.domain {
            try await tx.lock(.accountDomain(domain))
            if let account = try await tx.accounts.find(domain: domain) { return account }
        }
        let fields = try AccountFields.validated(
            name: lead.company ?? lead.domain ?? lead.name,
            domain: lead.domain,
            segment: lead.segment?.rawValue,
            industry: lead.industry,
            employeeCount: lead.employeeCount,
            owner: lead.owner,
            externalID: nil,
            stripeCustomerID: nil
        )
        return try await accounts.insert(fields, at: now, in: tx)
    }

    /// The account's contact with the lead's email, or a new one; its id.
    private func contact(for lead: Lead, at account: Account, now: Date, in tx: any Transaction) async throws -> String {
        if let existing = try await tx.contacts.find(email: lead.email).first(where: { $0.accountID == account.id }) { return existing.id }
        let contact = try contacts.validated(
            ContactInput(
                accountID: account.id,
                name: lead.name,
                email: lead.email,
                title: lead.title,
                role: nil,
                relationshipStrength: nil,
                externalID: nil
            ),
            at: now
        )
        try await contacts.insert(contact, in: tx)
        return contact.id
    }
}
