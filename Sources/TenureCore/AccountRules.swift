import Foundation

/// The writable fields of an account, checked and normalized.
public struct AccountFields: Sendable, Equatable {
    public var name: String
    public var domain: String?
    public var segment: Segment?
    public var industry: String?
    public var employeeCount: Int?
    public var owner: String?
    public var externalID: String?
    public var stripeCustomerID: String?
    public var tags: [String]

    public init(
        name: String,
        domain: String? = nil,
        segment: Segment? = nil,
        industry: String? = nil,
        employeeCount: Int? = nil,
        owner: String? = nil,
        externalID: String? = nil,
        stripeCustomerID: String? = nil,
        tags: [String] = []
    ) {
        self.tags = tags
        self.name = name
        self.domain = domain
        self.segment = segment
        self.industry = industry
        self.employeeCount = employeeCount
        self.owner = owner
        self.externalID = externalID
        self.stripeCustomerID = stripeCustomerID
    }

    /// Checks every field at once; a domain is stored in its normalized form.
    public static func validated(
        name: String?,
        domain: String?,
        segment: String?,
        industry: String?,
        employeeCount: Int?,
        owner: String?,
        externalID: String?,
        stripeCustomerID: String?,
        tags: [String] = []
    ) throws -> AccountFields {
        var validator = Validator()
        validator.required(name, "name")
        let fields = AccountFields(
            name: name?.trimmingWhitespace() ?? "",
            domain: normalizedDomain(domain, &validator),
            segment: Segment.parse(segment, "segment", &validator),
            industry: industry,
            employeeCount: employeeCount,
            owner: owner,
            externalID: externalID,
            stripeCustomerID: stripeCustomerID,
            tags: tags
        )
        fields.checkLengthsAndRanges(&validator)
        try validator.check()
        return fields
    }

    func checkLengthsAndRanges(_ validator: inout Validator) {
        validator.maxLength(name, "name", 500)
        validator.maxLength(industry, "industry", 200)
        validator.maxLength(owner, "owner", 320)
        validator.maxLength(externalID, "external_id", 255)
        validator.maxLength(stripeCustomerID, "stripe_customer_id", 255)
        validator.range(employeeCount, "employee_count", 0...100_000_000)
        AccountTags.check(tags, "tags", &validator)
    }

    static func normalizedDomain(_ domain: String?, _ validator: inout Validator) -> String? {
        guard let domain else { return nil }
        guard let normalized = DomainName.normalize(domain) else {
            validator.add("domain", "must be a domain name such as acme.com")
            return nil
        }
        return normalized
    }
}

/// A PATCH of an account: only the fields given change; `null` clears a nullable field.
public struct AccountChanges: Sendable {
    public var name: FieldUpdate<String> = .keep
    public var domain: FieldUpdate<String> = .keep
    public var segment: FieldUpdate<String> = .keep
    public var industry: FieldUpdate<String> = .keep
    public var employeeCount: FieldUpdate<Int> = .keep
    public var owner: FieldUpdate<String> = .keep
    public var externalID: FieldUpdate<String> = .keep
    public var stripeCustomerID: FieldUpdate<String> = .keep
    public var tags: FieldUpdate<[String]> = .keep

    public init() {}

    /// The account's fields after the changes, checked as a create would check them.
    public func applied(to account: Account) throws -> AccountFields {
        var validator = Validator()
        if case .clear = name { validator.add("name", "must not be null") }
        let fields = AccountFields(
            name: (name.applied(to: account.name) ?? account.name).trimmingWhitespace(),
            domain: domain.isKept ? account.domain : AccountFields.normalizedDomain(domain.applied(to: nil), &validator),
            segment: segment.isKept ? account.segment : Segment.parse(segment.applied(to: nil), "segment", &validator),
            industry: industry.applied(to: account.industry),
            employeeCount: employeeCount.applied(to: account.employeeCount),
            owner: owner.applied(to: account.owner),
            externalID: externalID.applied(to: account.externalID),
            stripeCustomerID: stripeCustomerID.applied(to: account.stripeCustomerID),
            tags: tags.applied(to: account.tags) ?? []
        )
        if fields.name.isEmpty { validator.add("name", "must not be blank") }
        fields.checkLengthsAndRanges(&validator)
        try validator.check()
        return fields
    }
}

/// Decoded from a PATCH body as the API's decoder presents its keys (`external_id` as `externalId`).
extension AccountChanges: Decodable {
    enum CodingKeys: String, CodingKey {
        case name, domain, segment, industry, employeeCount, owner, tags
        case externalID = "externalId"
        case stripeCustomerID = "stripeCustomerId"
    }
}

extension Account {
    public init(id: String, fields: AccountFields, at now: Date) {
        self.init(id: id, name: fields.name, createdAt: now, updatedAt: now)
        apply(fields, at: now)
    }

    public mutating func apply(_ fields: AccountFields, at now: Date) {
        name = fields.name
        domain = fields.domain
        segment = fields.segment
        industry = fields.industry
        employeeCount = fields.employeeCount
        owner = fields.owner
        externalID = fields.externalID
        stripeCustomerID = fields.stripeCustomerID
        tags = fields.tags
        updatedAt = now
    }
}
