import Foundation
import TenureCore
import TenureJSON
import TenureServices

/// The demo's marketing year, told through the services the API uses: leads from each channel and campaign, their
/// engagement (which scores, and qualifies some), routing to the reps with a follow-up call, disqualifications, and
/// conversions — a few of them won and paying, so the funnel runs end to end.
struct MarketingStory {
    let services: DemoServices
    let now: Date
    var random: SplitMix64
    private static let day: TimeInterval = 86_400
    static let sources = Names.channels + ["webinar", "organic"]
    static let campaigns: [String?] = ["spring-launch", "autumn-webinar", "partner-week", nil, nil]
    static let pages = ["/pricing", "/pricing/enterprise", "/blog/churn-benchmarks", "/docs/api", "/customers/acme", "/"]

    init(seed: UInt64, services: DemoServices, now: Date) {
        self.services = services
        self.now = now
        random = SplitMix64(seed: seed &+ 0x4D41_524B)
    }

    /// `count` leads created over the last year; how many leads and engagement events were made.
    mutating func tell(leads count: Int) async throws -> (leads: Int, engagement: Int) {
        let routing: JSONValue = .object([
            "rules": .array([
                .object([
                    "name": .string("enterprise"), "when": .object(["segment": .array([.string("enterprise")])]),
                    "pool": .array(Names.owners.prefix(2).map(JSONValue.string)),
                ])
            ]),
            "fallback": .object(["pool": .array(Names.owners.suffix(2).map(JSONValue.string))]),
            "follow_up_hours": .integer(4),
        ])
        _ = try await services.leads.updateRoutingSettings(routing, by: services.actor)
        var engagement = 0
        for start in stride(from: 0, to: count, by: 1_000) {
            var inputs: [LeadInput] = []
            for index in start..<min(start + 1_000, count) { inputs.append(lead(index)) }
            let leads = try await services.leads.createBatch(inputs, by: services.actor).map(\.lead)
            var events: [EngagementInput] = []
            for lead in leads { events += self.events(of: lead) }
            for chunk in stride(from: 0, to: events.count, by: EngagementService.batchLimit) {
                engagement += try await services.engagement.record(
                    Array(events[chunk..<min(chunk + EngagementService.batchLimit, events.count)]),
                    by: services.actor
                )
            }
            for lead in leads { try await decide(lead) }
        }
        _ = try await services.segments.create(
            JSONValue.parse(
                Array(
                    #"""
                    {"name": "Engaged financial enterprises without a demo", "resource": "accounts",
                     "filter": {"and": [{"field": "segment", "op": "eq", "value": "enterprise"},
                                        {"field": "industry", "op": "eq", "value": "finance"},
                                        {"engagement": {"type": "email_opened", "window_days": 30}, "op": "gt", "value": 5},
                                        {"not": {"engagement": {"type": "demo_scheduled"}, "op": "gte", "value": 1}}]}}
                    """#.utf8
                )
            ) ?? .null,
            by: services.actor
        )
        return (count, engagement)
    }

    private mutating func lead(_ index: Int) -> LeadInput {
        let first = random.pick(Names.firstNames)
        let last = random.pick(Names.lastNames)
        let company = "\(random.pick(Names.prefixes)) \(random.pick(Names.suffixes)) Prospect \(index + 1)"
        var input = LeadInput(name: "\(first) \(last)", email: "\(first).\(last).\(index + 1)@prospect\(index + 1).example".lowercased())
        input.company = company
        input.domain = "prospect\(index + 1).example"
        input.title = random.chance(0.3) ? random.pick(Names.executiveTitles) : random.pick(Names.userTitles)
        input.country = random.pick(["US", "GB", "DE", "FR", "CA", "NL"])
        input.segment = random.pick(Segment.allCases).rawValue
        input.industry = random.pick(Names.industries)
        input.employeeCount = random.int(5...5_000)
        input.source = random.pick(Self.sources)
        input.campaign = random.pick(Self.campaigns)
        input.createdAt = Timestamp.format(now - random.days(2...365))
        return input
    }

    /// 0 to 12 events between the lead's creation and now.
    private mutating func events(of lead: Lead) -> [EngagementInput] {
        let span = max(60, now.timeIntervalSince(lead.createdAt))
        return (0..<random.int(0...12)).map { _ in
            let at = lead.createdAt + Double(random.int(1...Int(span / 60))) * 60
            var event = EngagementInput(type: nil, leadID: lead.id, occurredAt: Timestamp.format(min(at, now)))
            switch random.int(0...9) {
            case 0...3:
                event.type = EngagementType.pageView.rawValue
                event.url = "https://tenure.example" + random.pick(Self.pages)
            case 4...5: event.type = EngagementType.emailOpened.rawValue
            case 6:
                event.type = EngagementType.contentDownload.rawValue
                event.asset = random.pick(["case_study", "whitepaper"])
            case 7: event.type = random.pick([EngagementType.webinarRegistered, .webinarAttended]).rawValue
            case 8: event.type = EngagementType.emailClicked.rawValue
            default: event.type = random.pick([EngagementType.formSubmitted, .demoScheduled]).rawValue
            }
            return event
        }
    }

    /// Some leads are disqualified, some converted; a third of the converted with a deal are won and pay.
    private mutating func decide(_ lead: Lead) async throws {
        let actor = services.actor
        let age = now.timeIntervalSince(lead.createdAt)
        guard age > 40 * Self.day else { return }
        switch random.int(0...99) {
        case 0...7:
            _ = try await services.leads.disqualify(lead.id, reason: random.pick(Names.lostReasons), at: nil, by: actor)
        case 8...15:
            let convertedAt = lead.createdAt + random.days(3...20)
            var input = ConversionInput()
            input.at = Timestamp.format(convertedAt)
            if random.chance(0.7) {
                input.createOpportunity = ConversionInput.Opportunity(amount: random.int(60...480) * 10_000, currency: services.currency)
            }
            let converted = try await services.leads.convert(lead.id, input, by: actor).lead
            guard let deal = converted.opportunityID, let account = converted.accountID, random.chance(0.4) else { return }
            let wonAt = convertedAt + random.days(5...15)
            let amount = input.createOpportunity?.amount ?? 0
            _ = try await services.pipeline.moveStage(
                deal,
                to: PipelineStage.closedWon.rawValue,
                at: Timestamp.format(wonAt),
                lostReason: nil,
                by: actor
            )
            _ = try await services.lifecycle.createContract(
                ContractInput(
                    accountID: account,
                    opportunityID: deal,
                    startDate: Timestamp.formatDate(wonAt),
                    endDate: nil,
                    billingInterval: "year",
                    recurringAmount: amount,
                    currency: services.currency,
                    autoRenew: true
                ),
                by: actor
            )
            _ = try await services.lifecycle.recordPayment(
                PaymentInput(
                    accountID: account,
                    amount: amount,
                    currency: services.currency,
                    paidAt: Timestamp.format(wonAt + Self.day),
                    reference: "wire-\(deal)"
                ),
                by: actor
            )
        default: break
        }
    }
}
