import Foundation
import TenureCore
import TenureJSON
import TenureServices

/// The services the API uses (at the demo's fixed clock), and what the demo's stories share.
@dynamicMemberLookup
struct DemoServices: Sendable {
    let actor = Actor(keyID: "demo", keyName: "demo")
    let services: Services

    subscript<T>(dynamicMember keyPath: KeyPath<Services, T>) -> T { services[keyPath: keyPath] }

    /// Delivers a webhook event as the webhook endpoints do once its signature is verified; a refusal is a bug in the demo.
    func deliver(_ delivery: WebhookDelivery) async throws {
        switch try await services.webhooks.receive(delivery) {
        case .applied(let event) where event.status == .processed: return
        case .applied(let event), .duplicate(let event):
            throw DemoError("\(delivery.type) \(delivery.eventID) was \(event.status.rawValue): \(event.error ?? "")")
        case .failed(_, let error): throw error
        }
    }

    func contract(of accountID: String) async throws -> String? {
        try await services.lifecycle.listContracts(ContractFilter(accountID: accountID), status: nil, page: PageRequest(), asOf: .distantFuture).items
            .first?
            .contract.id
    }
}

struct DemoError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// What the demo created.
public struct DemoTally: Sendable, CustomStringConvertible {
    public var accounts = 0
    public var contacts = 0
    public var activities = 0
    public var won = 0
    public var crmEvents = 0
    public var stripeEvents = 0
    public var usageRecords = 0
    public var cases = 0
    public var surveys = 0
    public var evaluations = 0
    public var leads = 0
    public var engagement = 0

    static func + (lhs: DemoTally, rhs: DemoTally) -> DemoTally {
        var sum = lhs
        sum.accounts += rhs.accounts
        sum.contacts += rhs.contacts
        sum.activities += rhs.activities
        sum.won += rhs.won
        sum.crmEvents += rhs.crmEvents
        sum.stripeEvents += rhs.stripeEvents
        sum.usageRecords += rhs.usageRecords
        sum.cases += rhs.cases
        sum.surveys += rhs.surveys
        sum.evaluations += rhs.evaluations
        sum.leads += rhs.leads
        sum.engagement += rhs.engagement
        return sum
    }

    public var description: String {
        "\(accounts) accounts, \(contacts) contacts, \(activities) activities, \(won) deals won (\(crmEvents) CRM and \(stripeEvents) Stripe events), "
            + "\(usageRecords) usage records, \(cases) cases, \(surveys) surveys, \(evaluations) health evaluations, "
            + "\(leads) leads with \(engagement) engagement events"
    }
}

/// A sample company with two years of history, created through the services the API uses so every rule holds.
/// The same seed and `now` give the same company.
public struct DemoCompany: Sendable {
    let services: DemoServices
    let seed: UInt64
    let now: Date

    /// A company told through `services`, at their clock's `now`, its money in their reporting currency.
    public init(services: Services, seed: UInt64) {
        self.services = DemoServices(services: services)
        self.seed = seed
        self.now = services.clock.now()
    }

    /// Loads `count` accounts, `concurrency` at a time (each account's story is its own, so the order does not
    /// change the company), then acquisition spend, the marketing year (leads, engagement, conversions) and the last 30
    /// days of health evaluations.
    public func load(accounts count: Int, concurrency: Int = 4) async throws -> DemoTally {
        guard try await services.accounts.list(AccountFilter(), page: PageRequest(limit: 1), asOf: now).items.isEmpty else {
            throw DemoError("the database already has accounts; load the demo into a new one")
        }
        // As a server's first start leaves a new database (nothing in it predates contracts), so that the first start
        // on the demo does not reread every Closed Won.
        try await services.webhooks.applyStoredCRMContractBlocks()
        var tally = try await withThrowingTaskGroup(of: DemoTally.self) { group in
            var next = 0
            func start() {
                let story = AccountStory(index: next, seed: seed, services: services, now: now)
                group.addTask {
                    var story = story
                    return try await story.tell()
                }
                next += 1
            }
            while next < min(concurrency, count) { start() }
            var tally = DemoTally()
            while let told = try await group.next() {
                tally = tally + told
                if next < count { start() }
            }
            return tally
        }
        tally.accounts = count
        var random = SplitMix64(seed: seed)
        _ = try await services.lifecycle.updateRevenueSettings(
            RevenueSettingsInput(grossMargin: 0.8, discountRate: 0.1, pastDueChurnDays: nil),
            by: services.actor
        )
        for months in 0..<24 {
            try await services.lifecycle.addAcquisitionSpend(
                SpendInput(
                    period: CalendarMonth(containing: now).adding(-months).description,
                    amount: count * random.int(800...1_600) * 100,
                    currency: services.currency,
                    channel: random.pick(Names.channels)
                ),
                by: services.actor
            )
        }
        try await setTargets(accounts: count, random: &random)
        var marketing = MarketingStory(seed: seed, services: services, now: now)
        (tally.leads, tally.engagement) = try await marketing.tell(leads: max(40, count / 4))
        // Weekly over the last month, so scores have a 30-day trend and flags a history.
        for daysAgo in [30, 21, 14, 7, 0] {
            tally.evaluations += try await services.health.evaluate(asOf: now.addingTimeInterval(-Double(daysAgo) * 86_400), by: services.actor)
                .evaluated
        }
        return tally
    }

    /// Revenue targets for the last year and the next quarter: the company's, and each owner's share of it.
    private func setTargets(accounts count: Int, random: inout SplitMix64) async throws {
        var targets: [String] = []
        for offset in -12...3 {
            let period = CalendarMonth(containing: now).adding(offset).description
            let company = count * random.int(300...500) * 100
            targets.append(#"{"period": "\#(period)", "owner": null, "amount": \#(company)}"#)
            for owner in Names.owners {
                targets.append(#"{"period": "\#(period)", "owner": "\#(owner)", "amount": \#(company / Names.owners.count)}"#)
            }
        }
        let body = #"{"targets": [\#(targets.joined(separator: ", "))]}"#
        guard let json = JSONValue.parse(Array(body.utf8)) else { throw DemoError("the demo's targets are not JSON") }
        _ = try await services.forecast.updateTargets(json, by: services.actor)
    }
}
