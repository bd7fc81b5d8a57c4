import Foundation
import HTTPTypes
import TenureTestSupport
import Testing

/// The one door: Closed Won and a verified payment make a customer, in either order; Stripe drives revenue.
@Suite(.temporaryFolder) struct LifecycleAPITests {
    /// An account with an opportunity; returns (account id, opportunity id).
    static func prospect(_ app: TestApp, _ name: String = "Acme", stripeCustomer: String? = nil) async throws -> (String, String) {
        let customer = stripeCustomer.map { #", "stripe_customer_id": "\#($0)""# } ?? ""
        let account = try await app.send(.post, "/v1/accounts", #"{"name": "\#(name)"\#(customer)}"#).json["id"] as? String ?? ""
        let deal = try await app.send(
            .post,
            "/v1/opportunities",
            #"{"account_id": "\#(account)", "name": "Deal", "amount": 120000, "currency": "usd", "created_at": "2026-01-02T00:00:00Z"}"#
        )
        return (account, deal.json["id"] as? String ?? "")
    }

    static func win(_ app: TestApp, _ deal: String, at: String) async throws {
        let reply = try await app.send(.post, "/v1/opportunities/\(deal)/stage", #"{"stage": "closed_won", "at": "\#(at)"}"#)
        try #require(reply.status == .ok, "\(reply.text)")
    }

    static func account(_ app: TestApp, _ id: String, asOf: String? = nil) async throws -> [String: Any] {
        try await app.send(.get, "/v1/accounts/\(id)" + (asOf.map { "?as_of=\($0)" } ?? "")).json
    }

    @Test func closedWonWithoutPaymentIsPendingPaymentAndAPaymentMakesACustomer() async throws {
        try await TestApp.run { app in
            let (account, deal) = try await Self.prospect(app)
            try await app.send(
                .post,
                "/v1/contracts",
                #"{"account_id": "\#(account)", "start_date": "2026-02-01", "billing_interval": "year", "recurring_amount": 120000, "currency": "usd"}"#
            )
            #expect(try await Self.account(app, account)["lifecycle_stage"] as? String == "prospect")
            try await Self.win(app, deal, at: "2026-02-01T00:00:00Z")
            let pending = try await Self.account(app, account)
            #expect(pending["lifecycle_stage"] as? String == "pending_payment")
            #expect(pending["mrr"] as? Int == 0)
            let paid = try await app.send(
                .post,
                "/v1/payments",
                #"{"account_id": "\#(account)", "amount": 120000, "currency": "usd", "paid_at": "2026-02-10T00:00:00Z", "reference": "wire 42"}"#
            )
            #expect(paid.status == .created)
            let customer = try await Self.account(app, account)
            #expect(customer["lifecycle_stage"] as? String == "customer")
            #expect(customer["customer_since"] as? String == "2026-02-10T00:00:00Z")
            #expect(customer["mrr"] as? Int == 10000, "a yearly 120000 is 10000 a month")
            #expect(try await Self.account(app, account, asOf: "2026-02-05")["lifecycle_stage"] as? String == "pending_payment")
            #expect(try await app.send(.get, "/v1/customers").data.compactMap { $0["id"] as? String } == [account])
            #expect(try await app.send(.get, "/v1/accounts?lifecycle_stage=customer").data.count == 1)
            #expect(try await app.send(.get, "/v1/accounts?lifecycle_stage=prospect").data.isEmpty)
        }
    }

    @Test func paymentThenClosedWonEqualsClosedWonThenPayment() async throws {
        func history(paymentFirst: Bool) async throws -> [String] {
            try await TestApp.run { (app: TestApp) async throws -> [String] in
                let (account, deal) = try await Self.prospect(app)
                try await app.send(
                    .post,
                    "/v1/contracts",
                    #"{"account_id": "\#(account)", "start_date": "2026-01-01", "billing_interval": "month", "recurring_amount": 5000, "currency": "usd"}"#
                )
                let pay = #"{"account_id": "\#(account)", "amount": 5000, "currency": "usd", "paid_at": "2026-01-05T00:00:00Z", "reference": "r"}"#
                if paymentFirst {
                    try await app.send(.post, "/v1/payments", pay)
                    try await Self.win(app, deal, at: "2026-01-20T00:00:00Z")
                } else {
                    try await Self.win(app, deal, at: "2026-01-20T00:00:00Z")
                    try await app.send(.post, "/v1/payments", pay)
                }
                let view = try await Self.account(app, account)
                let series = try await app.send(.get, "/v1/metrics/revenue?from=2026-01&to=2026-02").json["data"] as? [[String: Any]] ?? []
                return [view["lifecycle_stage"] as? String ?? "", view["customer_since"] as? String ?? "", "\(view["mrr"] ?? "")"]
                    + series.map { "\($0["period"] ?? "") new \($0["new"] ?? "") end \($0["mrr_end"] ?? "")" }
            }
        }
        let paymentFirst = try await history(paymentFirst: true)
        #expect(paymentFirst == ["customer", "2026-01-20T00:00:00Z", "5000", "2026-01 new 5000 end 5000", "2026-02 new 0 end 5000"])
        #expect(try await history(paymentFirst: false) == paymentFirst)
    }

    @Test func theWorkedExampleThroughTheAPI() async throws {
        try await TestApp.run { app in
            let (a, dealA) = try await Self.prospect(app, "A")
            let (b, dealB) = try await Self.prospect(app, "B")
            try await Self.win(app, dealA, at: "2026-01-10T00:00:00Z")
            try await Self.win(app, dealB, at: "2026-02-20T00:00:00Z")
            for (account, day) in [(a, "2026-01-10"), (b, "2026-02-20")] {
                try await app.send(
                    .post,
                    "/v1/payments",
                    #"{"account_id": "\#(account)", "amount": 100, "currency": "usd", "paid_at": "\#(day)T00:00:00Z", "reference": "r"}"#
                )
            }
            func contract(_ account: String, _ start: String, _ amount: Int) async throws -> String {
                let reply = try await app.send(
                    .post,
                    "/v1/contracts",
                    #"{"account_id": "\#(account)", "start_date": "\#(start)", "billing_interval": "month", "recurring_amount": \#(amount), "currency": "usd"}"#
                )
                return reply.json["id"] as? String ?? ""
            }
            let first = try await contract(a, "2026-01-10", 10000)
            try await app.send(.post, "/v1/contracts/\(first)/cancel", #"{"effective_date": "2026-02-05"}"#)
            let upgraded = try await contract(a, "2026-02-05", 15000)
            try await app.send(.post, "/v1/contracts/\(upgraded)/cancel", #"{"effective_date": "2026-03-15"}"#)
            _ = try await contract(a, "2026-04-02", 10000)
            _ = try await contract(b, "2026-02-20", 20000)
            let rows = try await app.send(.get, "/v1/metrics/revenue?from=2026-01&to=2026-04&interval=month").json["data"] as? [[String: Any]] ?? []
            #expect(rows.compactMap { $0["mrr_start"] as? Int } == [0, 10000, 35000, 20000])
            #expect(rows.compactMap { $0["new"] as? Int } == [10000, 20000, 0, 0])
            #expect(rows.compactMap { $0["expansion"] as? Int } == [0, 5000, 0, 0])
            #expect(rows.compactMap { $0["reactivation"] as? Int } == [0, 0, 0, 10000])
            #expect(rows.compactMap { $0["churn"] as? Int } == [0, 0, -15000, 0])
            #expect(rows.compactMap { $0["mrr_end"] as? Int } == [10000, 35000, 20000, 30000])
            #expect(rows.compactMap { $0["customers_start"] as? Int } == [0, 1, 2, 1])
            #expect(rows.compactMap { $0["churned_customers"] as? Int } == [0, 0, 1, 0])
            #expect(rows.map { $0["customer_churn_rate"] as? Double } == [nil, 0, 0.5, 0])
            #expect(rows.map { $0["nrr"] as? Double } == [nil, 1.5, 20000.0 / 35000.0, 1.0])
            #expect(try await Self.account(app, a, asOf: "2026-03-20")["lifecycle_stage"] as? String == "churned")
            #expect(try await Self.account(app, a, asOf: "2026-04-02")["lifecycle_stage"] as? String == "customer")
            let timeline = try await app.send(.get, "/v1/accounts/\(a)/timeline?limit=100").data.compactMap { $0["kind"] as? String }
            #expect(Set(timeline) == ["mrr_movement", "contract", "payment", "stage_change"])
        }
    }

    @Test func invalidContractsAndPaymentsChangeNothing() async throws {
        try await TestApp.run { app in
            let (account, _) = try await Self.prospect(app)
            let before = try await app.snapshot()
            let contract = try await app.send(
                .post,
                "/v1/contracts",
                #"{"account_id": "\#(account)", "start_date": "2026-13-01", "billing_interval": "week", "recurring_amount": -1, "currency": "eur"}"#
            )
            #expect(Set(contract.errorFields) == ["start_date", "billing_interval", "recurring_amount", "currency"])
            let payment = try await app.send(
                .post,
                "/v1/payments",
                #"{"account_id": "\#(account)", "amount": 0, "currency": "usd", "paid_at": "2999-01-01T00:00:00Z"}"#
            )
            #expect(Set(payment.errorFields) == ["amount", "paid_at", "reference"])
            #expect(try await app.send(.post, "/v1/contracts/ctr_missing/cancel", #"{"effective_date": "2026-01-01"}"#).status == .notFound)
            #expect(try await app.snapshot() == before)
        }
    }

    @Test func calculatorReproducesTheCoffeeShop() async throws {
        try await TestApp.run { app in
            let reply = try await app.send(
                .post,
                "/v1/calculators/clv",
                #"{"simple": {"average_purchase_value": 5.90, "purchase_frequency": 4.2, "periods_per_year": 52, "lifespan_years": 4.5}, "cac": 1000}"#,
                key: TestApp.readKey
            )
            #expect(reply.status == .ok)
            #expect(reply.json["simple_clv"] as? Double == 5798.52)
            #expect(reply.json["simple_clv_cac_ratio"] as? Double == 5.8)
            #expect(reply.json["healthy"] as? Bool == true)
            #expect(try await app.send(.post, "/v1/calculators/clv", "{}").status == .unprocessableContent)
            let huge = #"{"simple": {"average_purchase_value": 1e300, "purchase_frequency": 1e300, "periods_per_year": 1, "lifespan_years": 1}}"#
            let overflow = try await app.send(.post, "/v1/calculators/clv", huge)
            #expect(overflow.status == .unprocessableContent && overflow.errorFields == ["simple"], "found by schemathesis: was a 500")
            let rate = #"{"discounted": {"cash_flows": [{"revenue": 1, "cost": 0}], "discount_rate": -1}}"#
            #expect(try await app.send(.post, "/v1/calculators/clv", rate).errorFields == ["discounted.discount_rate"])
            let tinyCAC =
                #"{"simple": {"average_purchase_value": 1e300, "purchase_frequency": 10, "periods_per_year": 1, "lifespan_years": 1}, "cac": 1e-300}"#
            #expect(try await app.send(.post, "/v1/calculators/clv", tinyCAC).errorFields == ["cac"])
        }
    }

    @Test func revenueSettingsValidateAndRecomputeTheLedger() async throws {
        try await TestApp.run { app in
            let settings = try await app.send(.get, "/v1/settings/revenue").json
            #expect(settings["gross_margin"] as? Double == 1)
            #expect(settings["discount_rate"] as? Double == 0.1)
            #expect(settings["past_due_churn_days"] is NSNull)
            #expect(settings["reporting_currency"] as? String == "usd")
            let invalid = try await app.send(.put, "/v1/settings/revenue", #"{"gross_margin": 1.5, "discount_rate": 0.1, "past_due_churn_days": 0}"#)
            #expect(Set(invalid.errorFields) == ["gross_margin", "past_due_churn_days"])
            let updated = try await app.send(
                .put,
                "/v1/settings/revenue",
                #"{"gross_margin": 0.8, "discount_rate": 0.12, "past_due_churn_days": 30}"#
            )
            #expect(updated.json["past_due_churn_days"] as? Int == 30)
            #expect(
                try await app.send(.put, "/v1/settings/revenue", #"{"gross_margin": 0.8, "discount_rate": 0.1}"#, key: TestApp.writeKey).status
                    == .forbidden
            )
        }
    }
}
