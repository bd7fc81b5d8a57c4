import Foundation
import TenureCore

/// A lead as a client sends it (`POST /v1/leads`, an item of a batch); checked by `validated`.
public struct LeadInput: Sendable, Decodable {
    public var name: String?
    public var email: String?
    public var company: String?
    public var domain: String?
    public var title: String?
    public var country: String?
    public var segment: String?
    public var industry: String?
    public var employeeCount: Int?
    public var source: String?
    public var campaign: String?
    public var status: String?
    public var owner: String?
    public var createdAt: String?

    public init(name: String?, email: String?) {
        self.name = name
        self.email = email
    }

    /// A new lead (its id made at `now`), every field checked and normalized as `LEADS.md` says.
    func validated(now: Date) throws -> Lead {
        var validator = Validator()
        let createdAt = pastInstant(createdAt, "created_at", now: now, validator: &validator) ?? now
        var lead = Lead(id: Identifier.make("lead", at: now), name: "", email: "", status: .new, createdAt: createdAt)
        lead.updatedAt = now
        apply(to: &lead, &validator)
        try validator.check()
        return lead
    }

    /// Sets `lead`'s fields from this input, naming every problem in `validator`.
    func apply(to lead: inout Lead, _ validator: inout Validator) {
        validator.required(name, "name")
        validator.maxLength(name, "name", 500)
        lead.name = name?.trimmingWhitespace() ?? ""
        if name != nil, lead.name.isEmpty { validator.add("name", "must not be blank") }
        validator.required(email, "email")
        if let email {
            if let normalized = EmailAddress.normalize(email) { lead.email = normalized } else { validator.add("email", "must be an email address") }
        }
        lead.company = company?.trimmingWhitespace()
        validator.maxLength(company, "company", 500)
        lead.domain = nil
        if let domain {
            if let normalized = DomainName.normalize(domain) { lead.domain = normalized } else { validator.add("domain", "must be a domain name") }
        }
        lead.title = title
        validator.maxLength(title, "title", 500)
        lead.role = ContactRole.derived(fromTitle: title)
        lead.country = nil
        if let country {
            let code = country.trimmingWhitespace().uppercased()
            if code.count == 2, code.allSatisfy({ $0.isASCII && $0.isLetter }) {
                lead.country = code
            } else {
                validator.add("country", "must be two letters")
            }
        }
        lead.segment = Segment.parse(segment, "segment", &validator)
        lead.industry = industry?.trimmingWhitespace()
        validator.maxLength(industry, "industry", 200)
        lead.employeeCount = employeeCount
        if let employeeCount, employeeCount < 0 { validator.add("employee_count", "must not be negative") }
        lead.source = Self.lowered(source)
        lead.campaign = Self.lowered(campaign)
        validator.maxLength(source, "source", 200)
        validator.maxLength(campaign, "campaign", 200)
        if let status {
            switch LeadStatus(rawValue: status) {
            case .new?, .working?: lead.status = LeadStatus(rawValue: status) ?? .new
            default: validator.add("status", "must be new or working (qualify, disqualify and convert have their own actions)")
            }
        }
        lead.owner = owner?.trimmingWhitespace()
        validator.maxLength(owner, "owner", 200)
    }

    /// Trimmed and lower-cased; blank is none.
    static func lowered(_ text: String?) -> String? {
        guard let text = text?.trimmingWhitespace().lowercased(), !text.isEmpty else { return nil }
        return text
    }

    /// The input a PATCH's changes make of `lead`: its current values, changed.
    static func patched(_ lead: Lead, _ changes: LeadChanges) -> LeadInput {
        var input = LeadInput(name: changes.name.applied(to: lead.name), email: changes.email.applied(to: lead.email))
        input.company = changes.company.applied(to: lead.company)
        input.domain = changes.domain.applied(to: lead.domain)
        input.title = changes.title.applied(to: lead.title)
        input.country = changes.country.applied(to: lead.country)
        input.segment = changes.segment.applied(to: lead.segment?.rawValue)
        input.industry = changes.industry.applied(to: lead.industry)
        input.employeeCount = changes.employeeCount.applied(to: lead.employeeCount)
        input.source = changes.source.applied(to: lead.source)
        input.campaign = changes.campaign.applied(to: lead.campaign)
        input.owner = changes.owner.applied(to: lead.owner)
        if case .set(let status) = changes.status { input.status = status }
        return input
    }
}

/// A PATCH of a lead: create's fields but `created_at`.
public struct LeadChanges: Sendable, Decodable {
    public var name: FieldUpdate<String> = .keep
    public var email: FieldUpdate<String> = .keep
    public var company: FieldUpdate<String> = .keep
    public var domain: FieldUpdate<String> = .keep
    public var title: FieldUpdate<String> = .keep
    public var country: FieldUpdate<String> = .keep
    public var segment: FieldUpdate<String> = .keep
    public var industry: FieldUpdate<String> = .keep
    public var employeeCount: FieldUpdate<Int> = .keep
    public var source: FieldUpdate<String> = .keep
    public var campaign: FieldUpdate<String> = .keep
    public var status: FieldUpdate<String> = .keep
    public var owner: FieldUpdate<String> = .keep

    /// Not a field a PATCH may change.
    public var createdAt: FieldUpdate<String> = .keep

    public init() {}
}

/// `POST /v1/leads/{id}/convert`.
public struct ConversionInput: Sendable, Decodable {
    public struct Opportunity: Sendable, Decodable {
        public var amount: Int?
        public var currency: String?
        public var name: String?
        public var stage: String?
        public var closeDate: String?
        public var owner: String?

        public init(amount: Int?, currency: String?) {
            self.amount = amount
            self.currency = currency
        }
    }

    public var at: String?
    public var accountId: String?
    public var createOpportunity: Opportunity?

    public init() {}
}
