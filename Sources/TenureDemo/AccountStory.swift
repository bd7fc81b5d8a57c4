import Foundation
import TenureCore
import TenureJSON
import TenureServices

/// One account's two years, told through the services the API uses: a lead becomes an opportunity that is lost, stays
/// open or is won by a Closed Won webhook; a customer is billed on a manual contract or by Stripe (upgrades,
/// downgrades, failed payments, churn, reactivation), uses the product, opens cases, answers surveys and is talked to.
struct AccountStory {
    /// How the customer's relationship goes: most stay healthy, some drift in the last weeks, some leave.
    enum Fate { case healthy, declining, churning }

    let index: Int
    let services: DemoServices
    let now: Date
    var random: SplitMix64
    var tally = DemoTally()

    private var account: Account!
    private var users: [Contact] = []
    private var executives: [Contact] = []
    private var touches: [ActivityInput] = []
    private static let day: TimeInterval = 86_400

    init(index: Int, seed: UInt64, services: DemoServices, now: Date) {
        self.index = index
        self.services = services
        self.now = now
        random = SplitMix64(seed: seed &+ UInt64(index) &* 0x2545_F491_4F6C_DD1D)
    }

    mutating func tell() async throws -> DemoTally {
        let leadAt = now - random.days(20...730)
        try await createAccount()
        let deal = try await sell(from: leadAt)
        if let (wonAt, amount) = deal {
            let fate = random.pick([Fate.healthy, .healthy, .healthy, .healthy, .healthy, .healthy, .declining, .declining, .churning, .churning])
            let life = try await bill(amount: amount, from: wonAt, fate: fate)
            try await support(from: wonAt, until: life.end, fate: fate)
            try await use(seats: life.seats, from: wonAt, until: life.end, fate: fate)
            talk(from: wonAt, until: life.end, fate: fate)
            if fate == .healthy, life.end == nil, random.chance(0.2) { try await expand(from: max(wonAt, now - 60 * Self.day)) }
        }
        if !touches.isEmpty { tally.activities += try await services.activities.createBatch(touches, by: services.actor).count }
        return tally
    }

    private mutating func createAccount() async throws {
        let company = "\(random.pick(Names.prefixes)) \(random.pick(Names.suffixes))"
        let segment = random.pick([Segment.smb, .smb, .midMarket, .midMarket, .enterprise])
        let domain = "\(company.lowercased().replacingOccurrences(of: " ", with: ""))\(index + 1).example"
        let input = AccountInput(
            name: "\(company) \(index + 1)",
            domain: domain,
            segment: segment.rawValue,
            industry: random.pick(Names.industries),
            employeeCount: segment == .enterprise ? random.int(1_000...20_000) : random.int(10...999),
            owner: random.pick(Names.owners),
            externalID: "crm-\(index + 1)"
        )
        account = try await services.accounts.create(input, by: services.actor).account
        let strengths = ["weak", "medium", "strong", "very_strong"]
        for executive in [false, false, true, false, true].prefix(random.int(3...5)) {
            let first = random.pick(Names.firstNames)
            let contact = try await services.contacts.create(
                ContactInput(
                    accountID: account.id,
                    name: "\(first) \(random.pick(Names.lastNames))",
                    email: "\(first.lowercased()).\(users.count + executives.count)@\(domain)",
                    title: random.pick(executive ? Names.executiveTitles : Names.userTitles),
                    role: nil,
                    relationshipStrength: random.pick(strengths),
                    externalID: nil
                ),
                by: services.actor
            ).contact
            if executive { executives.append(contact) } else { users.append(contact) }
        }
        tally.contacts += users.count + executives.count
        // One account in 40 was typed in twice, once with its legal form, and one of its people with a tagged email.
        if index % 40 == 7, let person = users.first, let email = person.email {
            _ = try await services.accounts.create(AccountInput(name: "\(account.name), Inc.", owner: account.owner), by: services.actor)
            let tagged = email.replacingOccurrences(of: "@", with: "+crm@")
            _ = try await services.contacts.create(
                ContactInput(
                    accountID: account.id,
                    name: person.name,
                    email: tagged,
                    title: nil,
                    role: nil,
                    relationshipStrength: nil,
                    externalID: nil
                ),
                by: services.actor
            )
        }
    }

    /// The opportunity through the pipeline; answers when it was won and its annual value.
    private mutating func sell(from leadAt: Date) async throws -> (Date, Int)? {
        let annual = (account.segment == .enterprise ? random.int(1_200...6_000) : random.int(60...1_200)) * 10_000
        var at = leadAt + random.days(1...10)
        let deal = try await services.pipeline.create(
            OpportunityInput(
                accountID: account.id,
                name: "\(account.name) — Platform",
                amount: annual,
                currency: services.currency,
                stage: nil,
                closeDate: Timestamp.formatDate(at + 60 * Self.day),
                owner: account.owner,
                type: nil,
                externalID: "opp-\(index + 1)",
                createdAt: Timestamp.format(at),
                lostReason: nil
            ),
            by: services.actor
        ).opportunity
        let outcome = random.int(0...19)  // 0–10 won, 11–16 lost, 17–19 left open
        let stages = ["discovery", "solution_fit", "proposal"].prefix(outcome < 11 ? 3 : random.int(1...3))
        for stage in stages {
            let next = at + random.days(3...25)
            guard next < now else { return nil }
            at = next
            _ = try await services.pipeline.moveStage(deal.id, to: stage, at: Timestamp.format(at), lostReason: nil, by: services.actor)
            touches.append(touch(at - random.days(0...2), with: random.pick(users + executives), opportunity: deal.id, type: "meeting"))
        }
        at += random.days(3...25)
        guard outcome < 17, at < now else { return nil }
        guard outcome < 11 else {
            let reason = random.pick(Names.lostReasons)
            _ = try await services.pipeline.moveStage(deal.id, to: "closed_lost", at: Timestamp.format(at), lostReason: reason, by: services.actor)
            return nil
        }
        return (at, annual)
    }

    /// The customer's billing from the Closed Won on; answers the seats bought and when the customer left (if it did).
    private mutating func bill(amount annual: Int, from wonAt: Date, fate: Fate) async throws -> (seats: Int, end: Date?) {
        let seats = max(5, annual / random.pick([60_000, 120_000, 240_000]))
        // A churning customer leaves between a fifth and nine tenths of the way from its Closed Won to now.
        let lived = now.timeIntervalSince(wonAt)
        let end = fate == .churning && lived > 60 * Self.day ? wonAt + lived * Double(random.int(20...90)) / 100 : nil
        if random.chance(0.5) {
            try await closedWon(wonAt, amount: annual, contract: nil, stripeCustomer: "cus_demo\(index + 1)")
            let reactivated = try await stripe(seats: seats, annual: annual, from: wonAt, churnAt: end, fate: fate)
            return (seats, reactivated ? nil : end)
        }
        let interval = random.pick(["month", "quarter", "year", "year"])
        let periods = ["month": 12, "quarter": 4, "year": 1][interval] ?? 1
        let start = Timestamp.formatDate(wonAt)
        let terms: [String: Any] = [
            "start_date": start, "end_date": Timestamp.formatDate(wonAt.addingMonths(12) - Self.day), "billing_interval": interval,
            "recurring_amount": annual / periods, "auto_renew": true,
        ]
        try await closedWon(wonAt, amount: annual, contract: terms, stripeCustomer: nil)
        let paidAt = wonAt + random.days(0...10)
        guard paidAt < now, random.chance(0.95) else { return (seats, nil) }  // a few are still waiting for payment
        _ = try await services.lifecycle.recordPayment(
            PaymentInput(
                accountID: account.id,
                amount: annual / periods,
                currency: services.currency,
                paidAt: Timestamp.format(paidAt),
                reference: "wire \(account.externalID ?? "")"
            ),
            by: services.actor
        )
        guard let end, let contract = try await services.contract(of: account.id) else { return (seats, nil) }
        let stop = max(end, paidAt + Self.day)
        // Why they left: mostly price, fit or a competitor; some never said.
        let reason = random.pick(["price", "price", "product_fit", "product_fit", "competitor", "budget", "went_out_of_business", "other", nil])
        let cancellation = CancelInput(
            effectiveDate: Timestamp.formatDate(stop),
            reason: reason,
            feedback: reason == "other" ? "Moved to a spreadsheet" : nil
        )
        _ = try await services.lifecycle.cancelContract(contract, cancellation, by: services.actor)
        let returnAt = stop + random.days(30...150)
        guard random.chance(0.4), returnAt < now else { return (seats, stop) }
        let comeback = ContractInput(
            accountID: account.id,
            opportunityID: nil,
            startDate: Timestamp.formatDate(returnAt),
            endDate: nil,
            billingInterval: "month",
            recurringAmount: annual / 24,
            currency: services.currency,
            autoRenew: true
        )
        _ = try await services.lifecycle.createContract(comeback, by: services.actor)
        return (seats, nil)
    }

    private mutating func closedWon(_ at: Date, amount: Int, contract: [String: Any]?, stripeCustomer: String?) async throws {
        var event: [String: Any] = [
            "type": "opportunity.closed_won", "occurred_at": Timestamp.format(at),
            "account": [
                "external_id": account.externalID ?? "", "name": account.name, "domain": account.domain ?? "",
                "segment": account.segment?.rawValue ?? "smb", "owner": account.owner ?? "",
            ],
            "opportunity": ["external_id": "opp-\(index + 1)", "amount": amount, "currency": services.currency, "type": "new_business"]
                as [String: Any],
        ]
        if let contract { event["contract"] = contract }
        if let stripeCustomer { event["billing"] = ["stripe_customer_id": stripeCustomer] }
        let payload = Array(try JSONSerialization.data(withJSONObject: event, options: [.sortedKeys]))
        try await services.deliver(
            WebhookDelivery(source: .crm, eventID: "msg_demo_\(index + 1)", type: "opportunity.closed_won", occurredAt: at, payload: payload)
        )
        tally.crmEvents += 1
        tally.won += 1
    }

    /// Stripe's side: the subscription, its changes month by month, failed payments, churn and a possible return.
    /// Answers whether a churned customer came back.
    private mutating func stripe(seats: Int, annual: Int, from wonAt: Date, churnAt: Date?, fate: Fate) async throws -> Bool {
        var events = StripeEvents(customer: "cus_demo\(index + 1)", currency: services.currency)
        let interval = random.chance(0.7) ? "month" : "year"
        let unit = interval == "month" ? annual / 12 / seats : annual / seats
        var subscription = StripeEvents.Subscription(
            id: "sub_demo\(index + 1)_1",
            quantity: seats,
            unitAmount: unit,
            interval: interval,
            anchor: wonAt + 3_600
        )
        func send(_ event: (id: String, type: String, payload: [UInt8]), at instant: Date) async throws {
            try await services.deliver(
                WebhookDelivery(source: .stripe, eventID: event.id, type: event.type, occurredAt: instant, payload: event.payload)
            )
            tally.stripeEvents += 1
        }
        var at = subscription.anchor
        if random.chance(0.3) {
            // A 14-day free trial first, ending in the first paid invoice.
            let trialStart = at - 14 * Self.day
            subscription.status = "trialing"
            try await send(events.subscription("customer.subscription.created", subscription, at: trialStart), at: trialStart)
            subscription.status = "active"
            try await send(events.subscription("customer.subscription.updated", subscription, at: at), at: at)
        } else {
            try await send(events.subscription("customer.subscription.created", subscription, at: at), at: at)
        }
        try await send(events.invoice("invoice.paid", subscription, at: at, reason: "subscription_create"), at: at)
        let last = churnAt ?? now
        while true {
            at = at.addingMonths(1)
            guard at < last else { break }
            let roll = random.int(0...99)
            if roll < 8 || (roll < 12 && fate == .healthy) {
                subscription.quantity += random.int(1...max(1, seats / 4))
            } else if roll < 14 && subscription.quantity > 1 {
                subscription.quantity -= random.int(1...max(1, subscription.quantity / 5))
            } else {
                continue
            }
            try await send(events.subscription("customer.subscription.updated", subscription, at: at), at: at)
        }
        if fate == .declining, random.chance(0.5) {
            let failed = now - random.days(1...25)
            try await send(events.invoice("invoice.payment_failed", subscription, at: failed, reason: "subscription_cycle"), at: failed)
        }
        guard let churnAt else { return false }
        subscription.status = "canceled"
        subscription.endedAt = churnAt
        // Why, as Stripe's cancellation_details say it: a failed payment, or the customer's feedback.
        subscription.cancellation = random.pick([
            ["reason": "payment_failed"], ["reason": "cancellation_requested", "feedback": "too_expensive"],
            ["reason": "cancellation_requested", "feedback": "switched_service"], ["reason": "cancellation_requested", "feedback": "unused"],
            ["reason": "cancellation_requested", "feedback": "missing_features"], ["reason": "cancellation_requested"],
        ])
        try await send(events.subscription("customer.subscription.deleted", subscription, at: churnAt), at: churnAt)
        let returnAt = churnAt + random.days(30...150)
        guard random.chance(0.4), returnAt < now else { return false }
        let comeback = StripeEvents.Subscription(
            id: "sub_demo\(index + 1)_2",
            quantity: max(1, seats / 2),
            unitAmount: unit,
            interval: "month",
            anchor: returnAt
        )
        try await send(events.subscription("customer.subscription.created", comeback, at: returnAt), at: returnAt)
        try await send(events.invoice("invoice.paid", comeback, at: returnAt, reason: "subscription_create"), at: returnAt)
        return true
    }

    /// Daily active users against seats: a ramp over the first three months, then steady, or decaying over the last
    /// 45 days for a declining customer. Monthly points, then every three days over the 60 days the score reads.
    private mutating func use(seats: Int, from wonAt: Date, until end: Date?, fate: Fate) async throws {
        var records: [UsageInput] = []
        var at = wonAt + Self.day
        let stop = end ?? now
        let recent = now - 60 * Self.day
        let steady = 0.65 + Double(random.int(0...25)) / 100
        while at < stop {
            let age = at.timeIntervalSince(wonAt) / Self.day
            var share = min(steady, 0.3 + (steady - 0.3) * age / 90)
            let daysLeft = now.timeIntervalSince(at) / Self.day
            if fate == .declining, daysLeft < 45 { share *= 0.45 + 0.55 * daysLeft / 45 }
            let active = Int((Double(seats) * share).rounded()) + random.int(-1...1)
            records.append(
                UsageInput(accountID: account.id, date: Timestamp.formatDate(at), activeUsers: min(seats, max(0, active)), licensedSeats: seats)
            )
            at += (at < recent ? 30 : 3) * Self.day
        }
        guard !records.isEmpty else { return }
        tally.usageRecords += try await services.support.recordUsage(records, by: services.actor).count
    }

    /// Cases over the last year (answered within or after their targets; a declining customer has an urgent one
    /// unanswered) and surveys: promoters, passives and detractors by how the relationship goes.
    private mutating func support(from wonAt: Date, until end: Date?, fate: Fate) async throws {
        let stop = end ?? now
        let first = max(wonAt, now - 365 * Self.day)
        guard stop > first else { return }
        for _ in 0..<random.int(0...3) {
            let openedAt = first + Double(random.int(0...Int(stop.timeIntervalSince(first)))) * 0.999
            let priority = random.pick(["low", "normal", "normal", "high", "urgent"])
            let item = try await services.support.openCase(
                CaseInput(
                    accountID: account.id,
                    subject: random.pick(Names.caseSubjects),
                    priority: priority,
                    openedAt: Timestamp.format(openedAt),
                    contactID: random.pick(users).id,
                    externalID: nil
                ),
                by: services.actor
            )
            tally.cases += 1
            let target = CasePriority(rawValue: priority)?.defaultTargetHours ?? 8
            let respondAt = openedAt + target * 3_600 * Double(random.int(10...150)) / 100
            guard respondAt < now else { continue }
            _ = try await services.support.apply(.respond, toCase: item.id, at: Timestamp.format(respondAt), by: services.actor)
            let resolveAt = respondAt + random.days(0...4)
            guard resolveAt < now else { continue }
            _ = try await services.support.apply(.resolve, toCase: item.id, at: Timestamp.format(resolveAt), by: services.actor)
        }
        if fate == .declining {
            let openedAt = now - random.days(2...20)
            _ = try await services.support.openCase(
                CaseInput(
                    accountID: account.id,
                    subject: "Outage",
                    priority: "urgent",
                    openedAt: Timestamp.format(openedAt),
                    contactID: nil,
                    externalID: nil
                ),
                by: services.actor
            )
            tally.cases += 1
        }
        for contact in (users + executives).prefix(random.int(1...3)) {
            let score = fate == .healthy ? random.int(7...10) : random.int(0...7)
            let respondedAt = max(first, stop - random.days(5...150))
            _ = try await services.support.recordSurvey(
                SurveyInput(
                    accountID: account.id,
                    kind: "nps",
                    score: score,
                    respondedAt: Timestamp.format(respondedAt),
                    contactID: contact.id,
                    comment: nil
                ),
                by: services.actor
            )
            tally.surveys += 1
        }
    }

    /// Calls, emails and meetings with users every one to four weeks and executives every one to two months; a
    /// declining customer's people have not heard from us lately.
    private mutating func talk(from wonAt: Date, until end: Date?, fate: Fate) {
        let silentSince = fate == .declining ? now - random.days(35...70) : (end ?? now)
        for (people, gap) in [(users, 7...30), (executives, 25...60)] {
            var at = wonAt + random.days(gap)
            while at < silentSince {
                touches.append(touch(at, with: random.pick(people), opportunity: nil, type: random.pick(["email", "call", "meeting", "email"])))
                at += random.days(gap)
            }
        }
    }

    /// An expansion opportunity in the pipeline.
    private mutating func expand(from start: Date) async throws {
        let createdAt = start + random.days(0...30)
        guard createdAt < now else { return }
        let deal = try await services.pipeline.create(
            OpportunityInput(
                accountID: account.id,
                name: "\(account.name) — More seats",
                amount: random.int(20...200) * 10_000,
                currency: services.currency,
                stage: random.pick(["discovery", "solution_fit", "proposal"]),
                closeDate: Timestamp.formatDate(createdAt + 45 * Self.day),
                owner: account.owner,
                type: "expansion",
                externalID: nil,
                createdAt: Timestamp.format(createdAt),
                lostReason: nil
            ),
            by: services.actor
        )
        touches.append(touch(createdAt, with: random.pick(executives), opportunity: deal.opportunity.id, type: "meeting"))
    }

    private mutating func touch(_ at: Date, with contact: Contact, opportunity: String?, type: String) -> ActivityInput {
        ActivityInput(
            accountID: account.id,
            type: type,
            occurredAt: Timestamp.format(min(at, now)),
            contactID: contact.id,
            opportunityID: opportunity,
            direction: random.pick(["inbound", "outbound"]),
            subject: random.pick(Names.subjects)
        )
    }
}
