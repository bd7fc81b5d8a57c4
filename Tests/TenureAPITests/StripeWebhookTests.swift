import Foundation
import HTTPTypes
import SQLiteStore
import Synchronization
import TenureCore
import TenureServices
import TenureTestSupport
import Testing

/// `POST /v1/webhooks/stripe` with Stripe's published object shapes.
@Suite(.temporaryFolder) struct StripeWebhookTests {
    typealias Fixture = StripeFixture

    /// A customer-linked account with a Closed Won deal.
    static func wonAccount(_ app: TestApp, customer: String = "cus_acme", wonAt: String = "2026-01-02T00:00:00Z") async throws -> String {
        let (account, deal) = try await LifecycleAPITests.prospect(app, stripeCustomer: customer)
        try await LifecycleAPITests.win(app, deal, at: wonAt)
        return account
    }

    static func mrr(_ app: TestApp, _ account: String, asOf: String? = nil) async throws -> Int {
        try await LifecycleAPITests.account(app, account, asOf: asOf)["mrr"] as? Int ?? -1
    }

    @Test func twoItemsWithQuantityThreeBilledEveryTwoMonthsAndAPaidInvoiceMakeACustomer() async throws {
        try await TestApp.run { app in
            let account = try await Self.wonAccount(app)
            let subscription = Fixture.subscription(
                "sub_1",
                customer: "cus_acme",
                items: [Fixture.item(1000, count: 2, quantity: 3), Fixture.item(500, count: 2, quantity: 3)]
            )
            #expect(
                try await app.stripe(Fixture.event("evt_1", "customer.subscription.created", created: "2026-01-05", subscription)).json["status"]
                    as? String == "processed"
            )
            #expect(try await LifecycleAPITests.account(app, account)["lifecycle_stage"] as? String == "pending_payment")
            try await app.stripe(
                Fixture.event("evt_2", "invoice.paid", created: "2026-01-06", Fixture.invoice("in_1", customer: "cus_acme", paid: 4500))
            )
            let view = try await LifecycleAPITests.account(app, account)
            #expect(view["lifecycle_stage"] as? String == "customer")
            #expect(view["mrr"] as? Int == 2250)
            #expect(view["customer_since"] as? String == "2026-01-06T00:00:00Z")
            let contracts = try await app.send(.get, "/v1/contracts?account_id=\(account)").data
            #expect(contracts.first?["source"] as? String == "stripe")
            #expect(contracts.first?["external_id"] as? String == "sub_1")
            #expect(contracts.first?["mrr"] as? Int == 2250)
        }
    }

    @Test func aYearlyPlanOf120000IsAnMRROf10000WithItsRenewalDate() async throws {
        try await TestApp.run { app in
            let account = try await Self.wonAccount(app)
            let periodEnd = Fixture.seconds("2027-01-05")
            let subscription = Fixture.subscription(
                "sub_y",
                customer: "cus_acme",
                items: [Fixture.item(120000, "year")],
                changes: ["current_period_end": periodEnd]
            )
            try await app.stripe(Fixture.event("evt_y", "customer.subscription.created", created: "2026-01-05", subscription))
            try await app.stripe(
                Fixture.event(
                    "evt_p",
                    "invoice.payment_succeeded",
                    created: "2026-01-05",
                    Fixture.invoice("in_y", customer: "cus_acme", paid: 120000)
                )
            )
            let view = try await LifecycleAPITests.account(app, account)
            #expect(view["mrr"] as? Int == 10000)
            #expect(view["renewal_date"] as? String == "2027-01-05")
            var cancelling = subscription
            cancelling["cancel_at_period_end"] = true
            try await app.stripe(Fixture.event("evt_cancel", "customer.subscription.updated", created: "2026-06-01", cancelling))
            let contract = try await app.send(.get, "/v1/contracts?account_id=\(account)&as_of=2026-07-01").data.first
            #expect(contract?["scheduled_end"] as? String == "2027-01-05T00:00:00Z", "cancel_at_period_end is a scheduled end")
            #expect(contract?["mrr"] as? Int == 10000, "still paying until then")
        }
    }

    /// A clock that moves a millisecond each time it is read, so that every change has its own `updated_at`; it starts
    /// now, since signatures are checked against it.
    final class Ticking: Sendable {
        private let milliseconds = Mutex(Date().unixMilliseconds)

        func now() -> Date {
            Date(
                unixMilliseconds: milliseconds.withLock { value in
                    value += 1
                    return value
                }
            )
        }
    }

    @Test func eachSubscriptionEventMarksItsContractChangedAndACustomerChangeMovesIt() async throws {
        var arguments = TestArguments()
        let ticking = Ticking()
        arguments.clock = Clock { ticking.now() }
        try await TestApp.run(arguments: arguments) { app in
            let first = try await Self.wonAccount(app, customer: "cus_first")
            let second = try await Self.wonAccount(app, customer: "cus_second")
            for (invoice, customer) in [("in_first", "cus_first"), ("in_second", "cus_second")] {
                let paid = Fixture.invoice(invoice, customer: customer, paid: 100)
                try await app.stripe(Fixture.event("evt_\(invoice)", "invoice.paid", created: "2026-01-05", paid))
            }
            var subscription = Fixture.subscription("sub_moves", customer: "cus_first", items: [Fixture.item(5000)])
            func contract() async throws -> (account: String?, updatedAt: Int?) {
                let row = try await app.database.withConnection { db in
                    try await db.first("SELECT account_id, updated_at FROM contracts WHERE external_id = 'sub_moves'")
                }
                return (row?.string("account_id"), row?.int("updated_at"))
            }
            try await app.stripe(Fixture.event("evt_m_1", "customer.subscription.created", created: "2026-01-05", subscription))
            let created = try await contract()
            #expect(created.account == first)
            try await app.stripe(Fixture.event("evt_m_2", "customer.subscription.updated", created: "2026-02-05", subscription))
            let updated = try await contract()
            #expect(updated.account == first)
            #expect(updated.updatedAt ?? 0 > created.updatedAt ?? .max, "another snapshot of the subscription changes its contract")
            #expect(try await Self.mrr(app, first, asOf: "2026-03-01") == 5000)
            subscription["customer"] = "cus_second"
            try await app.stripe(Fixture.event("evt_m_3", "customer.subscription.updated", created: "2026-03-05", subscription))
            let moved = try await contract()
            #expect(moved.account == second, "the subscription follows its customer")
            #expect(moved.updatedAt ?? 0 > updated.updatedAt ?? .max)
            #expect(try await Self.mrr(app, first, asOf: "2026-04-01") == 0)
            #expect(try await Self.mrr(app, second, asOf: "2026-04-01") == 5000)
        }
    }

    @Test func aTrialNeverMakesACustomerAndAZeroInvoiceVerifiesNothing() async throws {
        try await TestApp.run { app in
            let account = try await Self.wonAccount(app)
            try await app.stripe(
                Fixture.event(
                    "evt_t",
                    "customer.subscription.created",
                    created: "2026-01-05",
                    Fixture.subscription("sub_t", customer: "cus_acme", status: "trialing", items: [Fixture.item(5000)])
                )
            )
            let zero = try await app.stripe(
                Fixture.event("evt_0", "invoice.paid", created: "2026-01-05", Fixture.invoice("in_0", customer: "cus_acme", paid: 0))
            )
            #expect(zero.json["status"] as? String == "ignored")
            let view = try await LifecycleAPITests.account(app, account)
            #expect(view["lifecycle_stage"] as? String == "pending_payment")
            #expect(view["mrr"] as? Int == 0)
            #expect(try await app.send(.get, "/v1/customers").data.isEmpty)
        }
    }

    @Test func eventsOfAnUnlinkedCustomerWaitAndApplyWhenTheLinkAppears() async throws {
        try await TestApp.run { app in
            let (account, deal) = try await LifecycleAPITests.prospect(app)
            try await LifecycleAPITests.win(app, deal, at: "2026-01-02T00:00:00Z")
            let subscription = Fixture.subscription("sub_p", customer: "cus_later", items: [Fixture.item(3000)])
            #expect(
                try await app.stripe(Fixture.event("evt_a", "customer.subscription.created", created: "2026-01-03", subscription)).json["status"]
                    as? String == "pending"
            )
            #expect(
                try await app.stripe(
                    Fixture.event("evt_b", "invoice.paid", created: "2026-01-03", Fixture.invoice("in_p", customer: "cus_later", paid: 3000))
                ).json["status"] as? String == "pending"
            )
            #expect(try await app.send(.get, "/v1/webhook-events?status=pending").data.count == 2)
            try await app.send(.patch, "/v1/accounts/\(account)", #"{"stripe_customer_id": "cus_later"}"#)
            #expect(try await app.send(.get, "/v1/webhook-events?status=pending").data.isEmpty)
            #expect(try await app.send(.get, "/v1/webhook-events?status=processed&type=invoice.paid").data.count == 1)
            #expect(try await Self.mrr(app, account) == 3000)
        }
    }

    @Test func metadataLinksTheCustomerForEveryEvent() async throws {
        try await TestApp.run { app in
            let account = try await app.createAccount("Globex", externalID: "crm-globex")
            let early = Fixture.invoice("in_m", customer: "cus_meta", paid: 7000)
            #expect(
                try await app.stripe(Fixture.event("evt_m1", "invoice.paid", created: "2026-02-01", early)).json["status"] as? String == "pending"
            )
            let subscription = Fixture.subscription(
                "sub_m",
                customer: "cus_meta",
                items: [Fixture.item(7000)],
                metadata: ["crm_account_id": "crm-globex"]
            )
            #expect(
                try await app.stripe(Fixture.event("evt_m2", "customer.subscription.created", created: "2026-02-01", subscription)).json["status"]
                    as? String == "processed"
            )
            #expect(try await app.send(.get, "/v1/accounts/\(account)").json["stripe_customer_id"] as? String == "cus_meta")
            #expect(try await app.send(.get, "/v1/webhook-events?status=pending").data.isEmpty, "the earlier invoice applied too")
            #expect(try await app.send(.get, "/v1/payments?account_id=\(account)").data.count == 1)
        }
    }

    @Test func fiftyConcurrentDuplicatesOfOneInvoiceMakeOnePaymentAndOneNewMovement() async throws {
        try await TestApp.run { app in
            let account = try await Self.wonAccount(app)
            try await app.stripe(
                Fixture.event(
                    "evt_s",
                    "customer.subscription.created",
                    created: "2026-01-02",
                    Fixture.subscription("sub_c", customer: "cus_acme", items: [Fixture.item(9900)])
                )
            )
            let paid = Fixture.event("evt_dup", "invoice.paid", created: "2026-01-03", Fixture.invoice("in_dup", customer: "cus_acme", paid: 9900))
            let statuses = try await withThrowingTaskGroup(of: String.self) { group in
                for _ in 0..<50 { group.addTask { try await app.stripe(paid).json["status"] as? String ?? "?" } }
                return try await group.reduce(into: [String]()) { $0.append($1) }
            }
            #expect(statuses.filter { $0 == "processed" }.count == 1)
            #expect(statuses.filter { $0 == "duplicate" }.count == 49)
            #expect(try await app.send(.get, "/v1/payments?account_id=\(account)").data.count == 1)
            let january = (try await app.send(.get, "/v1/metrics/revenue?from=2026-01&to=2026-01").json["data"] as? [[String: Any]])?.first
            #expect(january?["new_customers"] as? Int == 1)
            #expect(january?["new"] as? Int == 9900)
        }
    }

    @Test func everyDeliveryIsCountedInMetricsByItsOutcome() async throws {
        try await TestApp.run { app in
            func counts() async throws -> [String: Double] {
                let text = try await app.send(.get, "/metrics", key: nil).text
                var counts: [String: Double] = [:]
                for line in text.split(separator: "\n") where line.hasPrefix("tenure_webhook_events{") && line.contains(#"source="stripe""#) {
                    guard let outcome = line.firstMatch(of: /outcome="([a-z]+)"/)?.1, let value = line.split(separator: " ").last else { continue }
                    counts[String(outcome)] = Double(value)
                }
                return counts
            }
            let before = try await counts()
            let invoice = Fixture.event("evt_m1", "invoice.paid", created: "2026-01-03", Fixture.invoice("in_m1", customer: "cus_nobody", paid: 100))
            #expect(try await app.stripe(invoice).json["status"] as? String == "pending")
            #expect(try await app.stripe(invoice).json["status"] as? String == "duplicate")
            #expect(try await app.stripe(invoice, secret: "whsec_wrong").status == .unauthorized)
            let ignored = Fixture.event("evt_m2", "customer.created", created: "2026-01-03", Fixture.object("customer"))
            #expect(try await app.stripe(ignored).json["status"] as? String == "ignored")
            let after = try await counts()
            for outcome in ["pending", "duplicate", "rejected", "ignored"] {
                #expect(after[outcome, default: 0] >= before[outcome, default: 0] + 1, "\(outcome): \(before) → \(after)")
            }
        }
    }

    @Test func onlyAPaidInvoiceVerifiesPaymentNotAFailedOneOrARefund() async throws {
        try await TestApp.run { app in
            let account = try await Self.wonAccount(app)
            try await app.stripe(
                Fixture.event(
                    "evt_f0",
                    "invoice.payment_failed",
                    created: "2026-01-03",
                    Fixture.invoice("in_f0", customer: "cus_acme", paid: 0, due: 4000)
                )
            )
            let charge = Fixture.refundedCharge("ch_0", customer: "cus_acme", refunded: 1000)
            try await app.stripe(Fixture.event("evt_r0", "charge.refunded", created: "2026-01-04", charge))
            #expect(try await LifecycleAPITests.account(app, account)["lifecycle_stage"] as? String == "pending_payment")
            try await app.stripe(
                Fixture.event("evt_p0", "invoice.paid", created: "2026-01-05", Fixture.invoice("in_p0", customer: "cus_acme", paid: 4000))
            )
            let view = try await LifecycleAPITests.account(app, account)
            #expect(view["lifecycle_stage"] as? String == "customer")
            #expect(view["customer_since"] as? String == "2026-01-05T00:00:00Z")
        }
    }

    @Test func deletionChurnsRefundsAndFailuresAreRecordedWithoutMovingMRR() async throws {
        try await TestApp.run { app in
            let account = try await Self.wonAccount(app)
            let subscription = Fixture.subscription("sub_d", customer: "cus_acme", items: [Fixture.item(4000)])
            try await app.stripe(Fixture.event("evt_c", "customer.subscription.created", created: "2026-01-02", subscription))
            try await app.stripe(
                Fixture.event("evt_i", "invoice.paid", created: "2026-01-02", Fixture.invoice("in_d", customer: "cus_acme", paid: 4000))
            )
            try await app.stripe(
                Fixture.event(
                    "evt_f",
                    "invoice.payment_failed",
                    created: "2026-02-02",
                    Fixture.invoice("in_f", customer: "cus_acme", paid: 0, due: 4000)
                )
            )
            var charge = Fixture.refundedCharge("ch_1", customer: "cus_acme", refunded: 1000)
            try await app.stripe(Fixture.event("evt_r1", "charge.refunded", created: "2026-02-03", charge))
            charge["amount_refunded"] = 2500
            try await app.stripe(Fixture.event("evt_r2", "charge.refunded", created: "2026-02-04", charge))
            charge["customer"] = NSNull()
            #expect(
                try await app.stripe(Fixture.event("evt_r3", "charge.refunded", created: "2026-02-04", charge)).json["status"] as? String == "ignored"
            )
            #expect(try await Self.mrr(app, account) == 4000, "refunds and failures are not movements")
            let refunds = try await app.send(.get, "/v1/payments?status=refunded").data
            #expect(refunds.compactMap { $0["amount"] as? Int } == [2500])
            #expect(try await app.send(.get, "/v1/payments?status=failed").data.compactMap { $0["amount"] as? Int } == [4000])
            var ended = subscription
            ended["status"] = "canceled"
            ended["ended_at"] = Fixture.seconds("2026-03-01")
            try await app.stripe(Fixture.event("evt_del", "customer.subscription.deleted", created: "2026-03-02", ended))
            #expect(try await Self.mrr(app, account) == 0)
            #expect(try await LifecycleAPITests.account(app, account)["lifecycle_stage"] as? String == "churned")
            #expect(try await Self.mrr(app, account, asOf: "2026-02-28") == 4000)
            let march = (try await app.send(.get, "/v1/metrics/revenue?from=2026-03&to=2026-03").json["data"] as? [[String: Any]])?.first
            #expect(march?["churn"] as? Int == -4000)
        }
    }

    @Test func anOlderSnapshotArrivingLateFillsHistoryButNeverOverridesANewerState() async throws {
        try await TestApp.run { app in
            let account = try await Self.wonAccount(app)
            try await app.stripe(
                Fixture.event("evt_pay", "invoice.paid", created: "2026-01-01", Fixture.invoice("in_o", customer: "cus_acme", paid: 100))
            )
            let upgraded = Fixture.subscription("sub_o", customer: "cus_acme", items: [Fixture.item(8000)])
            let original = Fixture.subscription("sub_o", customer: "cus_acme", items: [Fixture.item(5000)])
            try await app.stripe(Fixture.event("evt_up", "customer.subscription.updated", created: "2026-03-01", upgraded))
            try await app.stripe(Fixture.event("evt_cr", "customer.subscription.created", created: "2026-01-10", original))
            #expect(try await Self.mrr(app, account) == 8000)
            #expect(try await Self.mrr(app, account, asOf: "2026-02-01") == 5000)
            let rows = try await app.send(.get, "/v1/metrics/revenue?from=2026-01&to=2026-03").json["data"] as? [[String: Any]] ?? []
            #expect(rows.compactMap { $0["new"] as? Int } == [5000, 0, 0])
            #expect(rows.compactMap { $0["expansion"] as? Int } == [0, 0, 3000])
        }
    }

    @Test func signatureFailuresAre401AndStoreNothing() async throws {
        try await TestApp.run { app in
            let body = Fixture.event("evt_x", "invoice.paid", created: "2026-01-01", Fixture.invoice("in_x", customer: "cus_x", paid: 100))
            let before = try await app.snapshot()
            #expect(try await app.stripe(body, secret: "whsec_wrong").status == .unauthorized)
            #expect(try await app.stripe(body, timestamp: Date().addingTimeInterval(-301)).status == .unauthorized)
            #expect(try await app.send(.post, "/v1/webhooks/stripe", body, key: nil).status == .unauthorized)
            #expect(try await app.snapshot() == before)
            #expect(try await app.stripe(#"{"object": "event"}"#).status == .badRequest)
            #expect(
                try await app.stripe(Fixture.event("evt_u", "customer.created", created: "2026-01-01", Fixture.object("customer"))).json["status"]
                    as? String == "ignored"
            )
        }
    }
}
