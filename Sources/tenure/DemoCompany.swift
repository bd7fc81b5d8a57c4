import Foundation
import TenureCore
import TenureServices

/// Builds the sample company: accounts with contacts (users and executives) and two years of activities.
struct DemoCompany {
    let storage: any Storage
    var random: SplitMix64
    let now: Date

    init(storage: any Storage, seed: UInt64, now: Date) {
        self.storage = storage
        self.random = SplitMix64(seed: seed)
        self.now = now
    }

    mutating func load(accounts count: Int) async throws -> String {
        let clock = Clock { [now] in now }
        let accounts = AccountService(storage: storage, clock: clock, currency: "usd")
        let contacts = ContactService(storage: storage, clock: clock)
        let activities = ActivityService(storage: storage, clock: clock)
        let pipeline = PipelineService(storage: storage, clock: clock, currency: "usd")
        let lifecycle = LifecycleService(storage: storage, clock: clock, currency: "usd")
        let actor = Actor(keyID: "demo", keyName: "demo")
        var contactCount = 0
        var activityCount = 0
        var customers = 0  // deals won, paid and billed
        for index in 0..<count {
            let company = "\(pick(Self.prefixes)) \(pick(Self.suffixes))"
            let slug = company.lowercased().replacingOccurrences(of: " ", with: "")
            let segment = pick([Segment.smb, .smb, .midMarket, .enterprise])
            let fields = AccountFields(
                name: "\(company) \(index + 1)",
                domain: "\(slug)\(index + 1).example",
                segment: segment,
                industry: pick(Self.industries),
                employeeCount: Int(random.next(in: 10...5_000)),
                owner: pick(Self.owners),
                externalID: "crm-\(index + 1)"
            )
            let account = try await accounts.create(fields, by: actor).account
            var people: [Contact] = []
            for (title, strength) in [(pick(Self.userTitles), "strong"), (pick(Self.userTitles), "medium"), (pick(Self.executiveTitles), "strong")] {
                let first = pick(Self.firstNames)
                let input = ContactInput(
                    accountID: account.id,
                    name: "\(first) \(pick(Self.lastNames))",
                    email: "\(first.lowercased()).\(people.count)@\(fields.domain ?? "")",
                    title: title,
                    role: nil,
                    relationshipStrength: strength,
                    externalID: nil
                )
                people.append(try await contacts.create(input, by: actor).contact)
            }
            contactCount += people.count
            let touches = (0..<Int(random.next(in: 5...30))).map { _ in
                let contact = pick(people)
                let occurredAt = now.addingTimeInterval(-Double(random.next(in: 3_600...(730 * 86_400))))
                return ActivityInput(
                    accountID: account.id,
                    type: pick(["email", "call", "meeting", "note"]),
                    occurredAt: Timestamp.format(occurredAt),
                    contactID: contact.id,
                    opportunityID: nil,
                    direction: pick(["inbound", "outbound"]),
                    subject: pick(Self.subjects)
                )
            }
            activityCount += try await activities.createBatch(touches, by: actor).count
            if try await sellDeal(to: account, pipeline: pipeline, lifecycle: lifecycle, by: actor) { customers += 1 }
        }
        for months in 0..<24 {
            let month = CalendarMonth(containing: now).adding(-months)
            try await lifecycle.addAcquisitionSpend(
                period: month.description,
                amount: Int(random.next(in: 40...90)) * 1_000_000,
                currency: "usd",
                channel: pick(["paid search", "events", "outbound"]),
                by: actor
            )
        }
        return "Demo company loaded: \(count) accounts, \(contactCount) contacts, \(activityCount) activities, \(customers) deals won and billed."
    }

    /// A deal that moves through the pipeline over the last two years; most are won, paid and billed on a manual
    /// contract, some of which are later cancelled; the rest are lost or still open.
    private mutating func sellDeal(to account: Account, pipeline: PipelineService, lifecycle: LifecycleService, by actor: Actor) async throws -> Bool
    {
        let day = 86_400.0
        var at = now.addingTimeInterval(-Double(random.next(in: 60...720)) * day)
        let amount = Int(random.next(in: 12...600)) * 100_000
        let deal = try await pipeline.create(
            OpportunityInput(
                accountID: account.id,
                name: "\(account.name) — Platform",
                amount: amount,
                currency: "usd",
                stage: nil,
                closeDate: nil,
                owner: account.owner,
                type: nil,
                externalID: nil,
                createdAt: Timestamp.format(at),
                lostReason: nil
            ),
            by: actor
        )
        let outcome = random.next(in: 0...9)
        for stage in ["discovery", "solution_fit", "proposal"].prefix(outcome < 8 ? 3 : Int(outcome - 7)) {
            at.addTimeInterval(Double(random.next(in: 3...20)) * day)
            _ = try await pipeline.moveStage(deal.opportunity.id, to: stage, at: Timestamp.format(at), lostReason: nil, by: actor)
        }
        at.addTimeInterval(Double(random.next(in: 3...20)) * day)
        guard outcome < 7, at < now else {
            if outcome == 7, at < now {
                _ = try await pipeline.moveStage(
                    deal.opportunity.id,
                    to: "closed_lost",
                    at: Timestamp.format(at),
                    lostReason: pick(Self.lostReasons),
                    by: actor
                )
            }
            return false
        }
        _ = try await pipeline.moveStage(deal.opportunity.id, to: "closed_won", at: Timestamp.format(at), lostReason: nil, by: actor)
        _ = try await lifecycle.recordPayment(
            accountID: account.id,
            amount: amount,
            currency: "usd",
            paidAt: Timestamp.format(min(now, at.addingTimeInterval(5 * day))),
            reference: "invoice \(account.externalID ?? "")",
            by: actor
        )
        // The deal's amount is its annual value, billed monthly, quarterly or yearly.
        let (interval, periodsPerYear) = pick([("month", 12), ("quarter", 4), ("year", 1)])
        let contract = try await lifecycle.createContract(
            ContractInput(
                accountID: account.id,
                opportunityID: deal.opportunity.id,
                startDate: Timestamp.formatDate(at),
                endDate: nil,
                billingInterval: interval,
                recurringAmount: amount / periodsPerYear,
                currency: "usd",
                autoRenew: true
            ),
            by: actor
        )
        let cancelAt = at.addingTimeInterval(Double(random.next(in: 90...400)) * day)
        if random.next(in: 0...4) == 0, cancelAt < now {
            _ = try await lifecycle.cancelContract(contract.contract.id, effectiveDate: Timestamp.formatDate(cancelAt), by: actor)
        }
        return true
    }

    private mutating func pick<T>(_ values: [T]) -> T { values[Int(random.next(in: 0...UInt64(values.count - 1)))] }

    static let prefixes = ["Acme", "Globex", "Initech", "Umbrella", "Stark", "Wayne", "Tyrell", "Cyberdyne", "Soylent", "Hooli", "Vandelay", "Wonka"]
    static let suffixes = ["Corp", "Labs", "Systems", "Industries", "Analytics", "Logistics", "Health", "Foods", "Energy", "Media"]
    static let industries = ["Manufacturing", "Software", "Healthcare", "Retail", "Logistics", "Finance", "Education", "Media"]
    static let owners = ["dana@seller.example", "sam@seller.example", "lee@seller.example", "ana@seller.example"]
    static let userTitles = ["Software Engineer", "Operations Analyst", "Product Manager", "Account Specialist", "Data Analyst", "Team Lead"]
    static let executiveTitles = ["VP of Engineering", "Chief Operating Officer", "Head of Customer Success", "Director of IT", "CFO"]
    static let firstNames = ["Ada", "Grace", "Alan", "Linus", "Margaret", "Ken", "Barbara", "Dennis", "Frances", "Edsger"]
    static let lastNames = ["Lovelace", "Hopper", "Turing", "Torvalds", "Hamilton", "Thompson", "Liskov", "Ritchie", "Allen", "Dijkstra"]
    static let lostReasons = ["price", "timing", "competitor", "no budget", "no decision"]
    static let subjects = ["Kickoff", "Quarterly review", "Renewal check-in", "Onboarding", "Feature request", "Pricing question", "Training"]
}

/// A small, fast, seedable generator (Steele, Lea and Flood's SplitMix64) so the demo is the same for a seed.
struct SplitMix64 {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    mutating func next(in range: ClosedRange<UInt64>) -> UInt64 {
        range.lowerBound + next() % (range.upperBound - range.lowerBound + 1)
    }
}
