import Foundation
import TenureCore

/// A contract as of an instant.
public struct ContractView: Sendable {
    public var contract: Contract
    public var status: String
    /// Started and not ended at the instant of the view.
    public var isLive: Bool
    public var mrr: Int
    public var renewalDate: Date?
    public var scheduledEnd: Date?
    public var unpricedItems: [String]
    /// Whether it stops or has stopped: cancelled, deleted in Stripe, or with a stop planned (`cancel_at…`; a period end
    /// already past when Stripe said so plans nothing).
    public var hasStop: Bool
    /// Why it was cancelled and the customer's words: a manual contract's as its cancellation gave them, a Stripe
    /// subscription's from its latest `cancellation_details`.
    public var cancelReason: ChurnReason? = nil
    public var cancelFeedback: String? = nil
}

/// A manual contract's cancellation: when revenue stops, and why (`INSIGHTS.md`, "Churn reasons").
public struct CancelInput: Decodable, Sendable {
    public var effectiveDate: String?
    public var reason: String?
    public var feedback: String?

    public init(effectiveDate: String?, reason: String? = nil, feedback: String? = nil) {
        self.effectiveDate = effectiveDate
        self.reason = reason
        self.feedback = feedback
    }
}

/// A payment as a client records it (a wire, a check: Stripe's come by webhook); checked by `LifecycleService`.
public struct PaymentInput: Sendable {
    public var accountID: String?
    public var amount: Int?
    public var currency: String?
    public var paidAt: String?
    public var reference: String?

    public init(accountID: String?, amount: Int?, currency: String?, paidAt: String?, reference: String?) {
        self.accountID = accountID
        self.amount = amount
        self.currency = currency
        self.paidAt = paidAt
        self.reference = reference
    }
}

/// Decoded from a request body as the API's decoder presents its keys (`account_id` as `accountId`).
extension PaymentInput: Decodable {
    enum CodingKeys: String, CodingKey {
        case accountID = "accountId"
        case amount, currency, paidAt, reference
    }
}

/// A month's acquisition spend as a client sends it; checked by `LifecycleService`.
public struct SpendInput: Sendable, Decodable {
    public var period: String?
    public var amount: Int?
    public var currency: String?
    public var channel: String?

    public init(period: String?, amount: Int?, currency: String?, channel: String?) {
        self.period = period
        self.amount = amount
        self.currency = currency
        self.channel = channel
    }
}

/// `PUT /v1/settings/revenue` as a client sends it; checked by `LifecycleService`.
public struct RevenueSettingsInput: Sendable, Decodable {
    public var grossMargin: Double?
    public var discountRate: Double?
    public var pastDueChurnDays: Int?
    /// Read-only: accepted only when it is the server's own.
    public var reportingCurrency: String?

    public init(grossMargin: Double?, discountRate: Double?, pastDueChurnDays: Int?, reportingCurrency: String? = nil) {
        self.grossMargin = grossMargin
        self.discountRate = discountRate
        self.pastDueChurnDays = pastDueChurnDays
        self.reportingCurrency = reportingCurrency
    }
}

/// The fields a client sends for a manual contract.
public struct ContractInput: Sendable {
    public var accountID: String?
    public var opportunityID: String?
    public var startDate: String?
    public var endDate: String?
    public var billingInterval: String?
    public var recurringAmount: Int?
    public var currency: String?
    public var autoRenew: Bool?

    public init(
        accountID: String?,
        opportunityID: String?,
        startDate: String?,
        endDate: String?,
        billingInterval: String?,
        recurringAmount: Int?,
        currency: String?,
        autoRenew: Bool?
    ) {
        self.accountID = accountID
        self.opportunityID = opportunityID
        self.startDate = startDate
        self.endDate = endDate
        self.billingInterval = billingInterval
        self.recurringAmount = recurringAmount
        self.currency = currency
        self.autoRenew = autoRenew
    }
}

/// Decoded from a request body as the API's decoder presents its keys (`account_id` as `accountId`).
extension ContractInput: Decodable {
    enum CodingKeys: String, CodingKey {
        case accountID = "accountId"
        case opportunityID = "opportunityId"
        case startDate
        case endDate
        case billingInterval
        case recurringAmount
        case currency
        case autoRenew
    }
}

/// Contracts, payments and the lifecycle they decide: the one door through which an account becomes a customer.
public struct LifecycleService: Sendable {
    let storage: any Storage
    let clock: Clock
    let currency: String

    public init(storage: any Storage, clock: Clock, currency: String) {
        self.storage = storage
        self.clock = clock
        self.currency = currency
    }

    public func createContract(_ input: ContractInput, by actor: Actor) async throws -> ContractView {
        let now = clock.now()
        var validator = Validator()
        validator.required(input.accountID, "account_id")
        let terms = ContractTerms.validated(
            startDate: input.startDate,
            endDate: input.endDate,
            billingInterval: input.billingInterval,
            recurringAmount: input.recurringAmount,
            validator: &validator
        )
        checkCurrency(input.currency, reportingCurrency: currency, &validator)
        try validator.check()
        guard let terms else { throw ValidationError(validator.errors) }
        let contract = Contract.manual(
            id: Identifier.make("ctr", at: now),
            accountID: input.accountID ?? "",
            opportunityID: input.opportunityID,
            terms: terms,
            autoRenew: input.autoRenew ?? true,
            currency: currency,
            at: now
        )
        return try await storage.write { tx in
            try await requireLiveAccount(contract.accountID, in: tx)
            // The account's aggregate first: a second contract for the same deal waits, then finds the first.
            try await tx.lock(.account(contract.accountID))
            if let opportunityID = contract.opportunityID {
                guard let opportunity = try await tx.opportunities.find(id: opportunityID), opportunity.accountID == contract.accountID else {
                    throw ValidationError("opportunity_id", "no opportunity of this account has this id")
                }
                if let existing = try await tx.contracts.find(manualFor: opportunityID) {
                    throw ServiceError.conflict("opportunity \(opportunityID) already has contract \(existing.id)", existingID: existing.id)
                }
            }
            try await tx.contracts.insert(contract)
            tx.emitContract(from: nil, to: contract, now: now)
            try await RevenueBook.refresh(contract.accountID, at: now, in: tx)
            try await tx.audit(actor, "contract.create", "contract", contract.id, at: now)
            return try await contractView(contract, asOf: now, in: tx)
        }
    }

    /// Revenue stops at 00:00Z of `effective_date`; a change of terms is a cancellation plus a new contract.
    public func cancelContract(_ id: String, _ input: CancelInput, by actor: Actor) async throws -> ContractView {
        let now = clock.now()
        var validator = Validator()
        validator.required(input.effectiveDate, "effective_date")
        let effective = calendarDate(input.effectiveDate, "effective_date", &validator)
        let reason = input.reason.flatMap { text in ChurnReason.given.first { $0.rawValue == text } }
        if input.reason != nil, reason == nil {
            validator.add("reason", "must be one of " + ChurnReason.given.map(\.rawValue).joined(separator: ", "))
        }
        validator.maxLength(input.feedback, "feedback", 2_000)
        try validator.check()
        return try await storage.write { tx in
            guard var contract = try await tx.contracts.find(id: id) else { throw ServiceError.notFound(resource: "contract", id: id) }
            guard contract.source == .manual else { throw ServiceError.conflict("a Stripe subscription is cancelled in Stripe") }
            guard contract.cancelEffective == nil else { throw ServiceError.conflict("contract \(id) is already cancelled") }
            if let effective, let start = contract.startDate, effective < start {
                throw ValidationError("effective_date", "must not be before the contract's start_date")
            }
            let before = contract
            contract.cancelEffective = effective
            contract.cancelReason = reason
            contract.cancelFeedback = input.feedback.flatMap { $0.isEmpty ? nil : $0 }
            contract.updatedAt = now
            try await tx.contracts.update(contract)
            tx.emitContract(from: before, to: contract, now: now)
            try await RevenueBook.refresh(contract.accountID, at: now, in: tx)
            try await tx.audit(actor, "contract.cancel", "contract", id, at: now)
            return try await contractView(contract, asOf: now, in: tx)
        }
    }

    public func listContracts(_ filter: ContractFilter, status: String?, page: PageRequest, asOf: Date) async throws -> Page<ContractView> {
        try await storage.read { tx in
            let page = try await tx.contracts.list(filter, page)
            return Page(items: try await contractViews(page.items, asOf: asOf, in: tx), next: page.next, positions: page.positions).filtered {
                status == nil || $0.status == status
            }
        }
    }

    /// A payment verified outside Stripe (wire, check): with a Closed Won, it makes a customer.
    public func recordPayment(_ input: PaymentInput, by actor: Actor) async throws -> Payment {
        let now = clock.now()
        var validator = Validator()
        validator.required(input.accountID, "account_id")
        validator.required(input.amount, "amount")
        if let amount = input.amount, amount <= 0 { validator.add("amount", "must be > 0") }
        checkCurrency(input.currency, reportingCurrency: currency, &validator)
        validator.required(input.paidAt, "paid_at")
        let at = pastInstant(input.paidAt, "paid_at", now: now, validator: &validator)
        validator.required(input.reference, "reference")
        validator.maxLength(input.reference, "reference", 255)
        try validator.check()
        let payment = Payment(
            id: Identifier.make("pay", at: now),
            accountID: input.accountID ?? "",
            amount: input.amount ?? 0,
            currency: currency,
            status: .paid,
            at: at ?? now,
            source: .manual,
            externalID: input.reference,
            createdAt: now
        )
        try await storage.write { tx in
            try await requireLiveAccount(payment.accountID, in: tx)
            try await tx.payments.insert(payment)
            tx.emitPayment(from: nil, to: payment, now: now)
            try await RevenueBook.refresh(payment.accountID, at: now, in: tx)
            try await tx.audit(actor, "payment.create", "payment", payment.id, at: now)
        }
        return payment
    }

    public func listPayments(_ filter: PaymentFilter, page: PageRequest) async throws -> Page<Payment> {
        try await storage.read { tx in try await tx.payments.list(filter, page) }
    }

    public func addAcquisitionSpend(_ input: SpendInput, by actor: Actor) async throws {
        let now = clock.now()
        var validator = Validator()
        validator.required(input.period, "period")
        let month = input.period.flatMap(CalendarMonth.init)
        if input.period != nil, month == nil { validator.add("period", "must be a month, YYYY-MM") }
        validator.required(input.amount, "amount")
        if let amount = input.amount, amount < 0 { validator.add("amount", "must be >= 0") }
        checkCurrency(input.currency, reportingCurrency: currency, &validator)
        validator.maxLength(input.channel, "channel", 200)
        try validator.check()
        guard let month, let amount = input.amount else { return }
        try await storage.write { tx in
            let id = Identifier.make("spd", at: now)
            try await tx.acquisitionSpend.insert(id: id, period: month, amount: amount, currency: currency, channel: input.channel, at: now)
            try await tx.audit(actor, "acquisition_spend.create", "acquisition_spend", id, at: now)
        }
    }

    public func revenueSettings() async throws -> RevenueSettings {
        try await storage.read { tx in try await RevenueBook.settings(in: tx) }
    }

    /// Stores the settings; a new `past_due_churn_days` changes history, so every ledger is recomputed.
    /// Replaces the revenue settings; the reporting currency, if sent, must be the server's (`--currency`).
    public func updateRevenueSettings(_ input: RevenueSettingsInput, by actor: Actor) async throws -> RevenueSettings {
        if let reporting = input.reportingCurrency, reporting != currency {
            throw ValidationError("reporting_currency", "is read-only; start the server with --currency to change it")
        }
        let settings = try RevenueSettings.validated(
            grossMargin: input.grossMargin,
            discountRate: input.discountRate,
            pastDueChurnDays: input.pastDueChurnDays
        )
        let now = clock.now()
        try await storage.write { tx in
            let previous = try await RevenueBook.settings(in: tx)
            try await tx.replaceSettings(settings, as: RevenueBook.settingsName, by: actor, at: now)
            if previous.pastDueChurnDays != settings.pastDueChurnDays {
                for account in try await tx.ledger.accountsWithRevenueFacts() { try await RevenueBook.refresh(account, at: now, in: tx) }
            }
        }
        return settings
    }

    public func revenueSeries(
        from: CalendarMonth,
        to: CalendarMonth,
        interval: RevenueInterval,
        asOf: Date,
        slice: Slice = Slice(),
        groupBy: SliceDimension? = nil
    ) async throws -> Sliced<[RevenuePeriod]> {
        try await storage.read { tx in
            try await tx.slicedLedger(asOf: asOf, slice, groupBy: groupBy) { $0.series(from: from, to: to, interval: interval, asOf: asOf) }
        }
    }

    /// `GET /v1/metrics/churn`: the churn movements of the revenue series' periods, each with the reason it takes from
    /// the contract that stopped then; `total` spans them all.
    public func churn(
        from: CalendarMonth,
        to: CalendarMonth,
        interval: RevenueInterval,
        asOf: Date,
        slice: Slice = Slice(),
        groupBy: SliceDimension? = nil
    ) async throws -> Sliced<(periods: [ChurnBreakdown], total: ChurnBreakdown?)> {
        let windows = RevenueLedger.windows(from: from, to: to, interval: interval, asOf: asOf)
        guard let first = windows.first, let last = windows.last else { return Sliced(total: ([], nil), groupBy: groupBy, groups: []) }
        let (churns, values) = try await storage.read { tx in
            let movements = try await tx.ledger.movements(of: nil, asOf: asOf)
            var churns: [String: [ReasonedChurn]] = [:]
            for (accountID, history) in movements {
                let churned = history.filter { $0.kind == .churn && $0.at >= first.start && $0.at <= last.end }
                guard !churned.isEmpty else { continue }
                let facts = try await RevenueBook.facts(of: accountID, in: tx)
                churns[accountID] = churned.map { ReasonedChurn(at: $0.at, mrr: -$0.amount, reason: facts.churnReason(at: $0.at)) }
            }
            return (churns, try await tx.sliceValues(for: slice, groupBy: groupBy))
        }
        func breakdown(_ accounts: [(key: String, value: [ReasonedChurn])]) -> (periods: [ChurnBreakdown], total: ChurnBreakdown?) {
            let chosen = accounts.flatMap(\.value)
            let periods = windows.map { ChurnBreakdown(period: $0.period, start: $0.start, end: $0.end, partial: $0.partial, churns: chosen) }
            return (periods, ChurnBreakdown(period: "total", start: first.start, end: last.end, partial: last.partial, churns: chosen))
        }
        return Sliced.evaluate(slice, groupBy: groupBy, items: Array(churns), values: { values[$0.key] }, universe: values, breakdown)
    }

    /// Sliced, CAC and its ratios are unknown: acquisition spend has no segment, industry or owner.
    public func lifetimeValue(asOf: Date, slice: Slice = Slice(), groupBy: SliceDimension? = nil) async throws -> Sliced<LifetimeValue> {
        try await storage.read { tx in
            let settings = try await RevenueBook.settings(in: tx)
            let spend = try await tx.acquisitionSpend.byMonth()
            var ltv = try await tx.slicedLedger(asOf: asOf, slice, groupBy: groupBy) {
                LifetimeValue(ledger: $0, asOf: asOf, settings: settings, spend: [:])
            }
            // The whole company's spend is the whole company's: its CAC is known.
            if slice.isEverything {
                let ledger = RevenueLedger(movements: try await tx.ledger.movements(of: nil, asOf: asOf))
                ltv.total = LifetimeValue(ledger: ledger, asOf: asOf, settings: settings, spend: spend)
            }
            return ltv
        }
    }

    /// Accounts whose stored MRR movements differ from a recomputation from their stored facts (`tenure verify`).
    public func staleLedgerAccounts() async throws -> [String] {
        try await storage.read { tx in try await RevenueBook.staleAccounts(in: tx) }
    }

    /// A contract renewing soon, with its account and when we last spoke to one of its executives.
    public struct Renewal: Sendable {
        public var contract: ContractView
        public var account: Account
        public var health: DailyHealth?
        public var lastExecutiveContact: Date?
    }

    /// Live contracts whose renewal date is within `withinDays` of `asOf`, soonest first; of the accounts of `owner`
    /// (compared as slices compare owners) when given; the first `limit` when given.
    public func renewals(withinDays: Int, asOf: Date, owner: String? = nil, limit: Int? = nil) async throws -> [Renewal] {
        let horizon = asOf.addingTimeInterval(Double(withinDays) * 86_400)
        return try await storage.read { tx in
            var renewing = try await contractViews(try await tx.contracts.every(), asOf: asOf, in: tx).filter { view in
                view.renewalDate.map { $0 >= asOf && $0 < horizon } ?? false
            }
            // Before the limit: the owner asked for, and the accounts a key kept to an owner sees.
            let wanted = SliceValues.key(owner)
            let visibility = AccountVisibility.current
            if wanted != nil || visibility != nil {
                let owners = try await tx.accounts.sliceValues()
                renewing.removeAll { view in
                    let accountOwner = owners[view.contract.accountID]?.owner
                    return (wanted.map { accountOwner != $0 } ?? false) || !(visibility?.allows(owner: accountOwner) ?? true)
                }
            }
            renewing.sort { ($0.renewalDate ?? .distantFuture, $0.contract.id) < ($1.renewalDate ?? .distantFuture, $1.contract.id) }
            // Only the first `limit` are looked up, 500 accounts at a time: the account, its health and its contacts.
            let kept = renewing.prefix(limit ?? .max)
            var accounts: [String: Account] = [:]
            var health: [String: DailyHealth] = [:]
            var executives: [String: Date] = [:]
            for ids in Set(kept.map(\.contract.accountID)).sorted().chunks(of: 500) {
                accounts.merge(try await tx.accounts.find(ids: ids)) { $1 }
                health.merge(try await tx.health.latest(accounts: ids, asOf: asOf)) { $1 }
                executives.merge(try await tx.contacts.lastContacts(accounts: ids, role: .executive, asOf: asOf)) { $1 }
            }
            return kept.compactMap { view in
                let accountID = view.contract.accountID
                guard let account = accounts[accountID], account.mergedInto == nil else { return nil }
                return Renewal(contract: view, account: account, health: health[accountID], lastExecutiveContact: executives[accountID])
            }
        }
    }
}

/// A contract as of `asOf`: status, MRR, renewal date and scheduled end (`METRICS.md`).
func contractView(_ contract: Contract, asOf: Date, in tx: any Transaction) async throws -> ContractView {
    try await contractViews([contract], asOf: asOf, in: tx)[0]
}

/// The views of `contracts`, in their order, each record read once for all of them: a Stripe contract's view needs
/// its snapshots, the revenue settings and the end dates of its account's deals.
func contractViews(_ contracts: [Contract], asOf: Date, in tx: any Transaction) async throws -> [ContractView] {
    let billedThroughStripe = contracts.filter { $0.source == .stripe }
    guard !billedThroughStripe.isEmpty else { return contracts.map { ContractView($0, stream: nil, asOf: asOf, crmEndDate: nil) } }
    let snapshots = try await tx.contracts.snapshots(of: billedThroughStripe.map(\.id))
    let endDates = try await tx.opportunities.contractEndDates(accounts: Array(Set(billedThroughStripe.map(\.accountID))))
    let pastDueChurnDays = try await RevenueBook.settings(in: tx).pastDueChurnDays
    return contracts.map { contract in
        let stream =
            contract.source == .stripe
            ? StripeSubscriptionStream(snapshots: snapshots[contract.id] ?? [], pastDueChurnDays: pastDueChurnDays) : nil
        return ContractView(contract, stream: stream, asOf: asOf, crmEndDate: endDates[contract.accountID])
    }
}

extension ContractView {
    /// The view of `contract` from its terms, or for a Stripe contract from its `stream`; `crmEndDate` (the latest end
    /// date the CRM gave the account's deals) is the renewal date of a live Stripe contract without a yearly period end.
    init(_ contract: Contract, stream: StripeSubscriptionStream?, asOf: Date, crmEndDate: Date?) {
        switch contract.source {
        case .manual:
            let terms = contract.manualTerms
            let live = terms?.isLive(at: asOf) ?? false
            let ended = terms?.stopsAt.map { asOf >= $0 } ?? false
            self.init(
                contract: contract,
                status: ended ? "canceled" : "active",
                isLive: live,
                mrr: terms?.mrr(at: asOf) ?? 0,
                renewalDate: live || !ended ? terms?.renewalDate(asOf: asOf) : nil,
                scheduledEnd: terms?.scheduledEnd(asOf: asOf),
                unpricedItems: [],
                hasStop: contract.cancelEffective != nil,
                cancelReason: contract.cancelReason,
                cancelFeedback: contract.cancelFeedback
            )
        case .stripe:
            guard let stream, let snapshot = stream.snapshot(at: asOf) else {
                self.init(
                    contract: contract,
                    status: "incomplete",
                    isLive: false,
                    mrr: 0,
                    renewalDate: nil,
                    scheduledEnd: nil,
                    unpricedItems: [],
                    hasStop: false
                )
                return
            }
            let live = !snapshot.deleted
            let yearly = snapshot.interval == "year" ? snapshot.currentPeriodEnd : nil
            let renewal: Date? = if !live { nil } else if let yearly { yearly } else { crmEndDate }
            self.init(
                contract: contract,
                status: snapshot.deleted ? "canceled" : snapshot.status,
                isLive: live,
                mrr: stream.mrr(at: asOf),
                renewalDate: renewal,
                scheduledEnd: stream.scheduledEnd(asOf: asOf),
                unpricedItems: snapshot.unpricedItems,
                hasStop: snapshot.deleted || snapshot.plannedEnd.map { $0 > snapshot.effectiveAt } == true,
                cancelReason: snapshot.cancellationReason,
                cancelFeedback: snapshot.cancellationComment
            )
        }
    }
}

/// Each account's earliest renewal date at `asOf` among `contracts` (none for an account without one).
func nearestRenewals(_ contracts: [Contract], asOf: Date, in tx: any Transaction) async throws -> [String: Date] {
    var renewals: [String: Date] = [:]
    for view in try await contractViews(contracts, asOf: asOf, in: tx) {
        guard let date = view.renewalDate else { continue }
        renewals[view.contract.accountID] = min(date, renewals[view.contract.accountID] ?? date)
    }
    return renewals
}

/// An account with what its facts say at `asOf`: lifecycle stage, customer since, MRR and the earliest renewal date.
func accountView(_ account: Account, asOf: Date, in tx: any Transaction) async throws -> AccountView {
    try await accountViews([account], asOf: asOf, in: tx)[0]
}

/// The views of a page of accounts, each record read once for the whole page rather than once per account.
func accountViews(_ accounts: [Account], asOf: Date, in tx: any Transaction) async throws -> [AccountView] {
    let ids = accounts.map(\.id)
    let movements = try await tx.ledger.movements(of: ids, asOf: asOf)
    let contracts = try await tx.contracts.of(accounts: ids)
    let health = try await tx.health.latest(accounts: ids, asOf: asOf)
    let flags = try await tx.health.flags(accounts: ids, openAt: asOf)
    let renewals = try await nearestRenewals(ids.flatMap { contracts[$0] ?? [] }, asOf: asOf, in: tx)
    return accounts.map { account in
        let history = movements[account.id] ?? []
        let renewal = renewals[account.id]
        return AccountView(
            account: account,
            lifecycleStage: lifecycleStage(wonAt: account.wonAt, paidAt: account.paidAt, movements: history, at: asOf),
            customerSince: account.convertedAt.flatMap { $0 <= asOf ? $0 : nil },
            mrr: history.mrr(at: asOf),
            renewalDate: renewal,
            health: health[account.id],
            openFlags: (flags[account.id] ?? []).map(\.code).filter { $0.kind == .risk }
        )
    }
}

extension LifetimeValue {
    /// LTV and CAC at `asOf` from the company's movements, the revenue settings and the stored acquisition spend.
    init(ledger: RevenueLedger, asOf: Date, in tx: any Transaction) async throws {
        self.init(ledger: ledger, asOf: asOf, settings: try await RevenueBook.settings(in: tx), spend: try await tx.acquisitionSpend.byMonth())
    }
}
