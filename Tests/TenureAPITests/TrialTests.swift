import Foundation
import HTTPTypes
import TenureTestSupport
import Testing

/// INSIGHTS.md, "Trials": Stripe subscriptions that began `trialing`, followed to `as_of`, with the chapter's example.
@Suite(.temporaryFolder) struct TrialTests {
    typealias Fixture = StripeFixture

    /// A Stripe customer (no Closed Won needed) whose subscription is created at `start` with `status`.
    static func subscribed(_ app: TestApp, _ name: String, at start: String, status: String = "trialing") async throws -> String {
        _ = try await LifecycleAPITests.prospect(app, name, stripeCustomer: "cus_\(name)")
        let subscription = Fixture.subscription(
            "sub_\(name)",
            customer: "cus_\(name)",
            status: status,
            items: [Fixture.item(10000, id: "si_\(name)")]
        )
        try await app.stripe(Fixture.event("evt_s_\(name)", "customer.subscription.created", created: start, subscription))
        return "cus_\(name)"
    }

    static func paid(_ app: TestApp, _ customer: String, _ amount: Int, at: String) async throws {
        let reply = try await app.stripe(
            Fixture.event(
                "evt_p_\(customer)_\(at)",
                "invoice.paid",
                created: at,
                Fixture.invoice("in_\(customer)_\(at)", customer: customer, paid: amount)
            )
        )
        try #require(reply.status == .ok, "\(reply.text)")
    }

    static func changed(_ app: TestApp, _ name: String, _ type: String, status: String, at: String) async throws {
        let subscription = Fixture.subscription(
            "sub_\(name)",
            customer: "cus_\(name)",
            status: status,
            items: [Fixture.item(10000, id: "si_\(name)")],
            changes: type.hasSuffix("deleted") ? ["ended_at": Fixture.seconds(at)] : [:]
        )
        try await app.stripe(Fixture.event("evt_\(type)_\(name)", type, created: at, subscription))
    }

    static func trials(_ app: TestApp, _ query: String) async throws -> [String] {
        let reply = try await app.send(.get, "/v1/metrics/trials?\(query)")
        try #require(reply.status == .ok, "\(reply.text)")
        let json = reply.json
        return ["trials_started", "converted", "canceled", "open", "conversion_rate", "median_days_to_convert"].map { "\(json[$0] ?? "?")" }
    }

    @Test func theChaptersExample_atEachInstant() async throws {
        try await TestApp.run { app in
            let t1 = try await Self.subscribed(app, "t1", at: "2026-06-01")
            try await Self.paid(app, t1, 0, at: "2026-06-01T00:00:05Z")
            try await Self.paid(app, t1, 10000, at: "2026-06-15")
            let t2 = try await Self.subscribed(app, "t2", at: "2026-06-10")
            try await Self.paid(app, t2, 10000, at: "2026-06-30T12:00:00Z")
            _ = try await Self.subscribed(app, "t3", at: "2026-06-20T08:00:00Z")
            try await Self.changed(app, "t3", "customer.subscription.deleted", status: "canceled", at: "2026-07-04")
            _ = try await Self.subscribed(app, "t4", at: "2026-06-25")
            try await Self.changed(app, "t4", "customer.subscription.paused", status: "paused", at: "2026-07-09")
            let t5 = try await Self.subscribed(app, "t5", at: "2026-05-20")
            try await Self.paid(app, t5, 10000, at: "2026-06-03")
            let t6 = try await Self.subscribed(app, "t6", at: "2026-06-05", status: "active")
            try await Self.paid(app, t6, 10000, at: "2026-06-05T00:00:05Z")

            #expect(try await Self.trials(app, "from=2026-06-01&to=2026-07-01&as_of=2026-08-01") == ["4", "2", "1", "1", "0.5", "17.25"])
            #expect(try await Self.trials(app, "from=2026-06-01&to=2026-07-01&as_of=2026-06-20") == ["2", "1", "0", "1", "0.5", "14"])
            #expect(try await Self.trials(app, "from=2026-05-01&to=2026-06-01&as_of=2026-08-01") == ["1", "1", "0", "0", "1", "14"])
            // T3 is open until its deletion, then canceled.
            #expect(try await Self.trials(app, "from=2026-06-20&to=2026-06-21&as_of=2026-07-03T23:59:59Z") == ["1", "0", "0", "1", "0", "<null>"])
            #expect(try await Self.trials(app, "from=2026-06-20&to=2026-06-21&as_of=2026-07-04") == ["1", "0", "1", "0", "0", "<null>"])
            #expect(try await Self.trials(app, "from=2026-01-01&to=2026-02-01&as_of=2026-08-01") == ["0", "0", "0", "0", "<null>", "<null>"])
        }
    }

    @Test func aPaymentAfterTheTrialsSubscriptionEndedIsNoConversion() async throws {
        try await TestApp.run { app in
            let customer = try await Self.subscribed(app, "late", at: "2026-03-01")
            try await Self.changed(app, "late", "customer.subscription.deleted", status: "canceled", at: "2026-03-15")
            try await Self.paid(app, customer, 5000, at: "2026-03-20")
            #expect(try await Self.trials(app, "from=2026-03-01&to=2026-04-01&as_of=2026-05-01") == ["1", "0", "1", "0", "0", "<null>"])
        }
    }

    @Test func malformedTrialQueriesAreNamed() async throws {
        try await TestApp.run { app in
            let bad: [(String, HTTPResponse.Status, String)] = [
                ("from=2026-06-31&to=2026-07-01", .badRequest, "from"),
                ("from=2026-07-01&to=2026-06-01", .unprocessableContent, "from"),
                ("from=2026-06-01&to=2026-07-01&as_of=2999-01-01", .unprocessableContent, "as_of"),
                ("from=yesterday", .badRequest, "from"),
            ]
            for (query, status, field) in bad {
                let reply = try await app.send(.get, "/v1/metrics/trials?\(query)")
                #expect(reply.status == status, "\(query): \(reply.text)")
                #expect(reply.text.contains(field), "\(query): \(reply.text)")
            }
        }
    }
}
