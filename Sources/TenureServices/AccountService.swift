import Foundation
import TenureCore

/// An account with what is derived from its history at `asOf`.
public struct AccountView: Sendable {
    public var account: Account
    public var lifecycleStage: LifecycleStage
    public var customerSince: Date?
    public var mrr: Int
    public var renewalDate: Date?
    /// The latest stored evaluation at or before the instant of the view (`HEALTH.md`, "Stored or computed").
    public var health: DailyHealth?
    public var openFlags: [RiskFlagCode]
}

/// The fields a client sends to create an account; checked by `AccountService`.
public struct AccountInput: Sendable {
    public var name: String?
    public var domain: String?
    public var segment: String?
    public var industry: String?
    public var employeeCount: Int?
    public var owner: String?
    public var externalID: String?
    public var stripeCustomerID: String?
    public var tags: [String]?

    public init(
        name: String?,
        domain: String? = nil,
        segment: String? = nil,
        industry: String? = nil,
        employeeCount: Int? = nil,
        owner: String? = nil,
        externalID: String? = nil,
        stripeCustomerID: String? = nil
    ) {
        self.name = name
        self.domain = domain
        self.segment = segment
        self.industry = industry
        self.employeeCount = employeeCount
        self.owner = owner
        self.externalID = externalID
        self.stripeCustomerID = stripeCustomerID
    }
}

/// Decoded from a request body as the API's decoder presents its keys (`external_id` as `externalId`).
extension AccountInput: Decodable {
    enum CodingKeys: String, CodingKey {
        case name, domain, segment, industry, employeeCount, owner, tags
        case externalID = "externalId"
        case stripeCustomerID = "stripeCustomerId"
    }
}

/// Creating, finding, changing and merging accounts.
public struct AccountService: Sendable {
    let storage: any Storage
    let clock: Clock
    let stripe: StripeEventHandler

    public init(storage: any Storage, clock: Clock, currency: String) {
        self.storage = storage
        self.clock = clock
        self.stripe = StripeEventHandler(currency: currency, clock: clock)
    }

    /// Creates an account; a live account with the same domain or external id is a conflict naming it.
    public func create(_ input: AccountInput, by actor: Actor) async throws -> AccountView {
        var input = input
        if let visibility = AccountVisibility.current {
            // A key kept to an owner's accounts makes that owner's.
            guard input.owner == nil || visibility.allows(owner: input.owner) else { throw ValidationError("owner", "must be this key's owner") }
            input.owner = input.owner ?? visibility.given
        }
        let fields = try AccountFields.validated(
            name: input.name,
            domain: input.domain,
            segment: input.segment,
            industry: input.industry,
            employeeCount: input.employeeCount,
            owner: input.owner,
            externalID: input.externalID,
            stripeCustomerID: input.stripeCustomerID,
            tags: input.tags ?? []
        )
        let now = clock.now()
        let account = try await storage.write { tx in
            let account = try await insert(fields, at: now, in: tx)
            try await tx.audit(actor, "account.create", "account", account.id, at: now)
            return try await accountView(account, asOf: now, in: tx)
        }
        return account
    }

    /// Stores a new account with `fields` (a conflict if another has its domain or external id), and applies the Stripe
    /// events that waited for its customer.
    func insert(_ fields: AccountFields, at now: Date, in tx: any Transaction) async throws -> Account {
        try await checkUnique(fields, except: nil, in: tx)
        let account = Account(id: Identifier.make("acc", at: now), fields: fields, at: now)
        try await tx.accounts.insert(account)
        tx.emitCreated(account, now: now)
        try await StripeLink.applyPendingEvents(of: account.stripeCustomerID, in: tx, handler: stripe)
        return try await tx.accounts.find(id: account.id) ?? account
    }

    public func get(_ id: String, asOf: Date) async throws -> AccountView {
        try await storage.read { tx in
            guard let account = try await tx.accounts.find(id: id) else { throw ServiceError.notFound(resource: "account", id: id) }
            return try await accountView(account, asOf: asOf, in: tx)
        }
    }

    /// Accounts passing `filter` (its lifecycle stage judged at `asOf`), in insertion order or by `sort`.
    public func list(_ filter: AccountFilter, sortedBy sort: AccountSort? = nil, page: PageRequest, asOf: Date) async throws -> Page<AccountView> {
        try await storage.read { tx in
            var accounts = try await tx.accounts.list(filter, asOf: asOf, sort == nil ? page : PageRequest(limit: .max - 1))
            if let sort {
                let keys = try await sort.keys(of: accounts.items, asOf: asOf, in: tx)
                let ranked = zip(accounts.items, accounts.positions).map { account, at in
                    (item: account, at: PageCursor(key: keys[account.id] ?? sort.missing, seq: at.seq))
                }
                accounts = Page.ranked(ranked, descending: sort.descending, page)
            }
            return Page(items: try await accountViews(accounts.items, asOf: asOf, in: tx), next: accounts.next, positions: accounts.positions)
        }
    }

    /// Accounts whose lifecycle stage is `customer` at `asOf`.
    public func customers(_ filter: AccountFilter, page: PageRequest, asOf: Date) async throws -> Page<AccountView> {
        var filter = filter
        filter.lifecycleStage = .customer
        return try await list(filter, page: page, asOf: asOf)
    }

    public func update(_ id: String, _ changes: AccountChanges, by actor: Actor) async throws -> AccountView {
        let now = clock.now()
        let account = try await storage.write { tx in
            let account = try await update(id, changes, at: now, in: tx)
            try await tx.audit(actor, "account.update", "account", id, at: now)
            return try await accountView(account, asOf: now, in: tx)
        }
        return account
    }

    /// Applies `changes` to the stored account `id`, checked as a create would be.
    func update(_ id: String, _ changes: AccountChanges, at now: Date, in tx: any Transaction) async throws -> Account {
        guard var account = try await tx.accounts.find(id: id) else { throw ServiceError.notFound(resource: "account", id: id) }
        if let target = account.mergedInto { throw ServiceError.conflict("account \(id) was merged into \(target)", existingID: target) }
        let fields = try changes.applied(to: account)
        if let visibility = AccountVisibility.current, !visibility.allows(owner: fields.owner) {
            throw ValidationError("owner", "must be this key's owner")
        }
        try await checkUnique(fields, except: id, in: tx)
        let linksStripe = fields.stripeCustomerID != nil && fields.stripeCustomerID != account.stripeCustomerID
        let before = account
        account.apply(fields, at: now)
        try await tx.accounts.update(account)
        tx.emitUpdate(of: before, to: account, now: now)
        if linksStripe { try await StripeLink.applyPendingEvents(of: account.stripeCustomerID, in: tx, handler: stripe) }
        return try await tx.accounts.find(id: id) ?? account
    }

    /// Moves everything of `sourceID` onto `targetID`; the source stays as a tombstone pointing at the target.
    /// Fields the target lacks are taken from the source.
    public func merge(_ sourceID: String?, into targetID: String, by actor: Actor) async throws -> AccountView {
        guard let sourceID else { throw ValidationError("source_id", "is required") }
        let now = clock.now()
        let account = try await storage.write { tx in
            guard sourceID != targetID else { throw ValidationError("source_id", "must differ from the account merged into") }
            guard var target = try await tx.accounts.find(id: targetID) else { throw ServiceError.notFound(resource: "account", id: targetID) }
            guard var source = try await tx.accounts.find(id: sourceID), AccountVisibility.current?.allows(source) ?? true else {
                throw ValidationError("source_id", "no account has this id")
            }
            for merged in [target, source] where merged.mergedInto != nil {
                throw ServiceError.conflict("account \(merged.id) was already merged into \(merged.mergedInto ?? "")")
            }
            source.mergedInto = targetID
            source.updatedAt = now
            try await tx.accounts.update(source)
            target.domain = target.domain ?? source.domain
            target.segment = target.segment ?? source.segment
            target.industry = target.industry ?? source.industry
            target.employeeCount = target.employeeCount ?? source.employeeCount
            target.owner = target.owner ?? source.owner
            target.externalID = target.externalID ?? source.externalID
            target.stripeCustomerID = target.stripeCustomerID ?? source.stripeCustomerID
            target.updatedAt = now
            try await tx.accounts.update(target)
            try await tx.accounts.moveRecords(from: sourceID, to: targetID)
            tx.emitMerge(of: source, into: target, now: now)
            try await RevenueBook.refresh(sourceID, at: now, in: tx)
            try await RevenueBook.refresh(targetID, at: now, in: tx)
            try await tx.audit(actor, "account.merge", "account", targetID, at: now)
            return try await accountView(try await tx.accounts.find(id: targetID) ?? target, asOf: now, in: tx)
        }
        return account
    }

    /// Every owner of a live account with how many it owns (a key kept to an owner: that owner only).
    public func owners() async throws -> [(owner: String, accounts: Int)] {
        let owners = try await storage.read { tx in try await tx.accounts.owners() }
        guard let visibility = AccountVisibility.current else { return owners }
        return owners.filter { visibility.allows(owner: $0.owner) }
    }

    public func timeline(_ id: String, page: PageRequest) async throws -> Page<TimelineItem> {
        try await storage.read { tx in
            guard try await tx.accounts.find(id: id) != nil else { throw ServiceError.notFound(resource: "account", id: id) }
            return try await tx.activities.timeline(accountID: id, page)
        }
    }

    private func checkUnique(_ fields: AccountFields, except id: String?, in tx: any Transaction) async throws {
        if let domain = fields.domain { try await tx.lock(.accountDomain(domain)) }
        if let externalID = fields.externalID { try await tx.lock(.accountExternalID(externalID)) }
        // Another owner's account is named to no key kept to an owner: existence does not leak beyond the conflict.
        let named = { (existing: Account) in AccountVisibility.current?.allows(existing) ?? true ? existing.id : nil }
        if let domain = fields.domain, let existing = try await tx.accounts.find(domain: domain), existing.id != id {
            throw ServiceError.conflict("an account with domain \(domain) already exists", existingID: named(existing))
        }
        if let externalID = fields.externalID, let existing = try await tx.accounts.find(externalID: externalID), existing.id != id {
            throw ServiceError.conflict("an account with external_id \(externalID) already exists", existingID: named(existing))
        }
    }
}
