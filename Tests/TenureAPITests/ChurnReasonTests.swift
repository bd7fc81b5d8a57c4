import Foundation
import HTTPTypes
import TenureTestSupport
import Testing

/// INSIGHTS.md, "Churn reasons": reasons given on cancel or read from Stripe's `cancellation_details`, and
/// `GET /v1/metrics/churn`, with the chapter's May 2026 example.
@Suite(.temporaryFolder) struct ChurnReasonTests {
    typealias Fixture = StripeFixture

    /// A customer since January on a monthly manual contract of `mrr`; returns the account and the contract.
    static func manualCustomer(_ app: TestApp, _ name: String, mrr: Int) async throws -> (account: String, contract: String) {
        let (account, deal) = try await LifecycleAPITests.prospect(app, name)
        let contract = try await app.send(
            .post,
            "/v1/contracts",
            #"{"account_id": "\#(account)", "start_date": "2026-01-01", "billing_interval": "month", "recurring_amount": \#(mrr), "currency": "usd"}"#
        )
        try #require(contract.status == .created, "\(contract.text)")
        try await LifecycleAPITests.win(app, deal, at: "2026-01-02T00:00:00Z")
        let paid = try await app.send(
            .post,
            "/v1/payments",
            #"{"account_id": "\#(account)", "amount": \#(mrr), "currency": "usd", "paid_at": "2026-01-02T00:00:00Z", "reference": "wire \#(name)"}"#
        )
        try #require(paid.status == .created, "\(paid.text)")
        return (account, try #require(contract.json["id"] as? String))
    }

    /// A Stripe customer since January, deleted at `deleted` with `details` as its `cancellation_details`.
    static func stripeCustomer(_ app: TestApp, _ customer: String, mrr: Int, deleted: String, details: [String: Any]) async throws -> String {
        let account = try await StripeWebhookTests.wonAccount(app, customer: customer)
        let subscription = Fixture.subscription("sub_\(customer)", customer: customer, items: [Fixture.item(mrr, id: "si_\(customer)")])
        try await app.stripe(Fixture.event("evt_c_\(customer)", "customer.subscription.created", created: "2026-01-05", subscription))
        try await app.stripe(
            Fixture.event(
                "evt_p_\(customer)",
                "invoice.paid",
                created: "2026-01-06",
                Fixture.invoice("in_\(customer)", customer: customer, paid: mrr)
            )
        )
        let ended = Fixture.subscription(
            "sub_\(customer)",
            customer: customer,
            status: "canceled",
            items: [Fixture.item(mrr, id: "si_\(customer)")],
            changes: ["cancellation_details": details, "ended_at": Fixture.seconds(deleted)]
        )
        let reply = try await app.stripe(Fixture.event("evt_d_\(customer)", "customer.subscription.deleted", created: deleted, ended))
        try #require(reply.json["status"] as? String == "processed", "\(reply.text)")
        return account
    }

    static func cancel(_ app: TestApp, _ contract: String, _ body: String) async throws {
        let reply = try await app.send(.post, "/v1/contracts/\(contract)/cancel", body)
        try #require(reply.status == .ok, "\(reply.text)")
    }

    @Test func theChaptersMayExample_voluntaryAndNot_byReason() async throws {
        try await TestApp.run { app in
            let c1 = try await Self.manualCustomer(app, "C1", mrr: 10000)
            try await Self.cancel(app, c1.contract, #"{"effective_date": "2026-05-10", "reason": "price", "feedback": "Half the price elsewhere"}"#)
            let c2 = try await Self.manualCustomer(app, "C2", mrr: 20000)
            try await Self.cancel(app, c2.contract, #"{"effective_date": "2026-05-20", "reason": "competitor"}"#)
            _ = try await Self.stripeCustomer(
                app,
                "cus_c3",
                mrr: 15000,
                deleted: "2026-05-25",
                details: ["reason": "payment_failed", "feedback": NSNull(), "comment": NSNull()]
            )
            let c4 = try await Self.stripeCustomer(
                app,
                "cus_c4",
                mrr: 5000,
                deleted: "2026-05-28",
                details: ["reason": "cancellation_requested", "feedback": "switched_service", "comment": "Went with a bundle"]
            )
            let c5 = try await Self.manualCustomer(app, "C5", mrr: 7000)
            try await Self.cancel(app, c5.contract, #"{"effective_date": "2026-05-15", "reason": "payment_failure"}"#)
            let c6 = try await Self.manualCustomer(app, "C6", mrr: 3000)
            try await Self.cancel(app, c6.contract, #"{"effective_date": "2026-05-05"}"#)

            let reply = try await app.send(.get, "/v1/metrics/churn?from=2026-04&to=2026-05&as_of=2026-07-01")
            #expect(reply.status == .ok, "\(reply.text)")
            let rows = reply.data
            #expect(rows.map { $0["period"] as? String } == ["2026-04", "2026-05"])
            #expect(rows.first?["churned_mrr"] as? Int == 0 && (rows.first?["by_reason"] as? [Any])?.isEmpty == true)
            let may = rows.last ?? [:]
            #expect(may["churned_mrr"] as? Int == 60000 && may["churned_logos"] as? Int == 6)
            #expect(may["involuntary"] as? [String: Int] == ["mrr": 22000, "logos": 2])
            #expect(may["voluntary"] as? [String: Int] == ["mrr": 38000, "logos": 4])
            let reasons = (may["by_reason"] as? [[String: Any]] ?? []).map { "\($0["reason"] ?? "") \($0["mrr"] ?? "")/\($0["logos"] ?? "")" }
            #expect(reasons == ["competitor 25000/2", "payment_failure 22000/2", "price 10000/1", "unknown 3000/1"])
            let total = reply.json["total"] as? [String: Any] ?? [:]
            #expect(total["churned_mrr"] as? Int == 60000 && total["period"] is NSNull && total["start"] as? String == "2026-04-01T00:00:00Z")

            // The revenue series says the same churn: one definition.
            let revenue = try await app.send(.get, "/v1/metrics/revenue?from=2026-05&to=2026-05&as_of=2026-07-01").data.first
            #expect(revenue?["churn"] as? Int == -60000)

            // Each contract keeps its reason and the customer's words; a Stripe one shows its latest details.
            let contracts = try await app.send(.get, "/v1/contracts?limit=100").data
            let byAccount = Dictionary(contracts.map { ($0["account_id"] as? String ?? "", $0) }) { first, _ in first }
            #expect(byAccount[c1.account]?["cancel_reason"] as? String == "price")
            #expect(byAccount[c1.account]?["cancel_feedback"] as? String == "Half the price elsewhere")
            #expect(byAccount[c6.account]?["cancel_reason"] is NSNull)
            #expect(
                byAccount[c4]?["cancel_reason"] as? String == "competitor" && byAccount[c4]?["cancel_feedback"] as? String == "Went with a bundle"
            )

            // A quarter adds the months up.
            let quarter = try await app.send(.get, "/v1/metrics/churn?from=2026-04&to=2026-06&interval=quarter&as_of=2026-07-01").data
            #expect(quarter.map { $0["period"] as? String } == ["2026-Q2"] && quarter.first?["churned_mrr"] as? Int == 60000)
        }
    }

    @Test func aCancelReasonOffTheListOrTooLongFeedbackIsRefused_andTheContractRunsOn() async throws {
        try await TestApp.run { app in
            let customer = try await Self.manualCustomer(app, "Keep", mrr: 4000)
            let cases: [(String, String)] = [
                (#"{"effective_date": "2026-05-10", "reason": "unknown"}"#, "reason"),
                (#"{"effective_date": "2026-05-10", "reason": "Price"}"#, "reason"),
                (#"{"effective_date": "2026-05-10", "reason": "bored"}"#, "reason"),
                (#"{"effective_date": "2026-05-10", "feedback": "\#(String(repeating: "x", count: 2001))"}"#, "feedback"),
                (#"{"reason": "price"}"#, "effective_date"),
            ]
            for (body, field) in cases {
                let reply = try await app.send(.post, "/v1/contracts/\(customer.contract)/cancel", body)
                #expect(reply.status == .unprocessableContent, "\(body): \(reply.text)")
                #expect(reply.errorFields.contains(field), "\(body): \(reply.text)")
            }
            #expect(
                try await app.send(.post, "/v1/contracts/\(customer.contract)/cancel", #"{"effective_date": "2026-05-10", "reason": 3}"#).status.code
                    / 100 == 4
            )
            let contract = try await app.send(.get, "/v1/contracts?account_id=\(customer.account)").data.first ?? [:]
            #expect(contract["cancel_effective_date"] is NSNull && contract["cancel_reason"] is NSNull)
            #expect(
                try await app.send(.get, "/v1/metrics/churn?from=2026-01&to=2026-12&as_of=2026-12-01").json["total"].flatMap {
                    ($0 as? [String: Any])?["churned_logos"] as? Int
                } == 0
            )
        }
    }

    @Test func malformedChurnQueriesAreNamed() async throws {
        try await TestApp.run { app in
            let bad: [(String, HTTPResponse.Status, String)] = [
                ("from=2026-13&to=2026-12", .badRequest, "from"),
                ("from=2026-05&to=2026-04", .unprocessableContent, "from"),
                ("from=2026-01&to=2026-02&interval=week", .badRequest, "interval"),
                ("from=2026-01&to=2026-02&as_of=2999-01-01", .unprocessableContent, "as_of"),
            ]
            for (query, status, field) in bad {
                let reply = try await app.send(.get, "/v1/metrics/churn?\(query)")
                #expect(reply.status == status, "\(query): \(reply.text)")
                #expect(reply.text.contains(field), "\(query): \(reply.text)")
            }
        }
    }
}
