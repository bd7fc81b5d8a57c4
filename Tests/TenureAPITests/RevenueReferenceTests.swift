import Foundation
import HTTPTypes
import TenureTestSupport
import Testing

/// Random histories through the real app: the bridge holds in every period, and the same Stripe events give the
/// same numbers whatever order they are delivered in.
@Suite(.temporaryFolder) struct RevenueReferenceTests {
    typealias Fixture = StripeFixture
    static let shuffles = Int(ProcessInfo.processInfo.environment["TENURE_REFERENCE_SHUFFLES"] ?? "") ?? 20

    struct Generator {
        var state: UInt64
        mutating func next(_ bound: Int) -> Int {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return Int((z ^ (z >> 31)) % UInt64(bound))
        }
    }

    struct History {
        var stripeAccounts: [(customer: String, wonAt: String)] = []
        var stripeEvents: [String] = []
        var manualAccounts: [(wonAt: String, contracts: [(start: String, amount: Int, interval: String, cancel: String?)])] = []
    }

    static func day(_ offset: Int) -> String {
        let date = Date(timeIntervalSince1970: 1_735_689_600 + Double(offset) * 86_400)  // 2025-01-01 + offset days
        return ISO8601DateFormatter().string(from: date)
    }

    /// A seeded history: Stripe customers with trials, upgrades, downgrades, past-due spells, discounts, weekly, monthly
    /// and yearly plans, cancellations and re-subscriptions; manual contracts with cancellations and renewals.
    static func history(seed: UInt64, stripeAccounts: Int, manualAccounts: Int) -> History {
        var random = Generator(state: seed)
        var history = History()
        let plans: [(Int, String, Int)] = [(2900, "month", 1), (99000, "year", 1), (700, "week", 1), (15000, "month", 3), (4900, "month", 1)]
        var eventNumber = 0
        func event(_ type: String, _ day: Int, _ object: [String: Any]) -> String {
            eventNumber += 1
            return Fixture.event("evt_\(seed)_\(eventNumber)", type, created: Self.day(day), object)
        }
        for index in 0..<stripeAccounts {
            let customer = "cus_\(seed)_\(index)"
            var day = random.next(400)
            history.stripeAccounts.append((customer, Self.day(day + random.next(30))))
            for generation in 0..<(1 + random.next(2)) {
                let plan = plans[random.next(plans.count)]
                var quantity = 1 + random.next(5)
                let subscriptionID = "sub_\(seed)_\(index)_\(generation)"
                var changes: [String: Any] = [:]
                if random.next(4) == 0 {
                    changes["discount"] = [
                        "id": "di_\(subscriptionID)", "object": "discount", "end": Fixture.seconds(Self.day(day + 60 + random.next(90))),
                        "source": ["type": "coupon", "coupon": ["id": "co", "object": "coupon", "duration": "repeating", "percent_off": 25]],
                    ]
                }
                func snapshot(_ status: String) -> [String: Any] {
                    Fixture.subscription(
                        subscriptionID,
                        customer: customer,
                        status: status,
                        items: [Fixture.item(plan.0, plan.1, count: plan.2, quantity: quantity)],
                        changes: changes
                    )
                }
                let trial = random.next(3) == 0
                history.stripeEvents.append(event("customer.subscription.created", day, snapshot(trial ? "trialing" : "active")))
                if trial {
                    day += 14
                    history.stripeEvents.append(event("customer.subscription.updated", day, snapshot("active")))
                }
                history.stripeEvents.append(
                    event("invoice.paid", day, Fixture.invoice("in_\(subscriptionID)", customer: customer, paid: plan.0 * quantity))
                )
                for _ in 0..<random.next(4) {
                    day += 10 + random.next(60)
                    switch random.next(3) {
                    case 0: quantity += 1 + random.next(3)
                    case 1: quantity = max(1, quantity - 1)
                    default:
                        history.stripeEvents.append(event("customer.subscription.updated", day, snapshot("past_due")))
                        day += 5 + random.next(30)
                    }
                    history.stripeEvents.append(event("customer.subscription.updated", day, snapshot("active")))
                }
                if random.next(2) == 0 {
                    day += 10 + random.next(60)
                    var ended = snapshot("canceled")
                    ended["ended_at"] = Fixture.seconds(Self.day(day))
                    history.stripeEvents.append(event("customer.subscription.deleted", day, ended))
                    day += 20 + random.next(60)
                } else {
                    break
                }
            }
        }
        for _ in 0..<manualAccounts {
            let start = random.next(500)
            var contracts: [(String, Int, String, String?)] = []
            var day = start
            for _ in 0..<(1 + random.next(3)) {
                let cancel = random.next(2) == 0 ? day + 30 + random.next(120) : nil
                contracts.append((Self.day(day), 1000 * (1 + random.next(50)), ["month", "quarter", "year"][random.next(3)], cancel.map(Self.day)))
                day = (cancel ?? day) + random.next(40)
            }
            history.manualAccounts.append((Self.day(start + random.next(20)), contracts))
        }
        return history
    }

    /// Loads the history with the Stripe events in `order`, and answers the revenue series and every account's MRR.
    static func outcome(_ history: History, order: [Int]) async throws -> [String] {
        try await TestApp.run { (app: TestApp) async throws -> [String] in
            #expect(
                try await app.send(.put, "/v1/settings/revenue", #"{"gross_margin": 1, "discount_rate": 0.1, "past_due_churn_days": 20}"#).status
                    == .ok
            )
            var accounts: [String] = []
            for (customer, wonAt) in history.stripeAccounts {
                let (account, deal) = try await LifecycleAPITests.prospect(app, customer, stripeCustomer: customer)
                let moved = try await app.send(
                    .post,
                    "/v1/opportunities/\(deal)/stage",
                    #"{"stage": "closed_won", "at": "\#(max(wonAt, "2026-01-02T00:00:00Z") == wonAt ? wonAt : "2026-01-02T00:00:00Z")"}"#
                )
                try #require(moved.status == .ok, "\(moved.text)")
                accounts.append(account)
            }
            for index in order {
                let reply = try await app.stripe(history.stripeEvents[index])
                try #require(reply.status == .ok, "\(reply.text)")
            }
            for (offset, manual) in history.manualAccounts.enumerated() {
                let (account, deal) = try await LifecycleAPITests.prospect(app, "Manual \(offset)")
                try await LifecycleAPITests.win(app, deal, at: max(manual.wonAt, "2026-01-02T00:00:00Z"))
                try await app.send(
                    .post,
                    "/v1/payments",
                    #"{"account_id": "\#(account)", "amount": 100, "currency": "usd", "paid_at": "\#(manual.wonAt)", "reference": "r"}"#
                )
                for contract in manual.contracts {
                    let created = try await app.send(
                        .post,
                        "/v1/contracts",
                        #"{"account_id": "\#(account)", "start_date": "\#(contract.start.prefix(10))", "billing_interval": "\#(contract.interval)", "recurring_amount": \#(contract.amount), "currency": "usd"}"#
                    )
                    if let cancel = contract.cancel {
                        try await app.send(
                            .post,
                            "/v1/contracts/\(created.json["id"] as? String ?? "")/cancel",
                            #"{"effective_date": "\#(cancel.prefix(10))"}"#
                        )
                    }
                }
                accounts.append(account)
            }
            var lines: [String] = []
            for interval in ["month", "quarter"] {
                let rows =
                    try await app.send(.get, "/v1/metrics/revenue?from=2025-01&to=2026-10&interval=\(interval)").json["data"] as? [[String: Any]]
                    ?? []
                var previousEnd: Int?
                for row in rows {
                    let parts = ["mrr_start", "new", "expansion", "reactivation", "contraction", "churn", "mrr_end"].map { row[$0] as? Int ?? 0 }
                    #expect(parts[0] + parts[1] + parts[2] + parts[3] + parts[4] + parts[5] == parts[6], "bridge of \(row["period"] ?? "")")
                    #expect(row["net_new_mrr"] as? Int == parts[6] - parts[0])
                    if let previousEnd { #expect(previousEnd == parts[0], "continuity at \(row["period"] ?? "")") }
                    previousEnd = parts[6]
                    lines.append(
                        "\(row["period"] ?? "") \(parts) \(row["churned_customers"] ?? "") \(row["new_customers"] ?? "") \(row["nrr"] ?? "-")"
                    )
                }
            }
            for account in accounts.prefix(history.stripeAccounts.count) {
                let view = try await app.send(.get, "/v1/accounts/\(account)?as_of=2026-10-31").json
                lines.append("\(view["name"] ?? "") \(view["lifecycle_stage"] ?? "") \(view["mrr"] ?? "") \(view["customer_since"] ?? "")")
            }
            return lines
        }
    }

    @Test func theBridgeHoldsInEveryPeriodOfARandomHistory() async throws {
        let history = Self.history(seed: 7, stripeAccounts: 120, manualAccounts: 80)
        #expect(history.stripeEvents.count > 400)
        let lines = try await Self.outcome(history, order: Array(history.stripeEvents.indices))
        #expect(lines.contains { $0.contains("churned") }, "the history has churn")
        #expect(lines.contains { $0.contains(" customer ") }, "and customers")
    }

    @Test func theSameStripeEventsGiveTheSameNumbersInAnyDeliveryOrder() async throws {
        let history = Self.history(seed: 11, stripeAccounts: 30, manualAccounts: 0)
        let inOrder = try await Self.outcome(history, order: Array(history.stripeEvents.indices))
        var random = Generator(state: 99)
        let orders: [[Int]] = (0..<Self.shuffles).map { _ in
            var order = Array(history.stripeEvents.indices)
            for index in order.indices.reversed() { order.swapAt(index, random.next(index + 1)) }
            return order
        }
        try await withThrowingTaskGroup(of: [String].self) { group in
            for order in orders { group.addTask { try await Self.outcome(history, order: order) } }
            for try await shuffled in group { #expect(shuffled == inOrder) }
        }
    }
}
