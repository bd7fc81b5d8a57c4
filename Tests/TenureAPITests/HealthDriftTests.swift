import Foundation
import HTTPTypes
import TenureCore
import TenureTestSupport
import Testing

/// A customer drifting from green to red over 90 days, evaluated daily; history, flags and tasks as computed by hand.
@Suite(.temporaryFolder) struct HealthDriftTests {
    /// A customer since 2026-01-10 on a monthly manual contract (no renewal date), with the given segment and owner.
    static func customer(_ app: TestApp, _ name: String, segment: String = "mid_market", owner: String = "dana") async throws -> String {
        let account = try await app.send(
            .post,
            "/v1/accounts",
            #"{"name": "\#(name)", "segment": "\#(segment)", "owner": "\#(owner)", "stripe_customer_id": "cus_\#(name)"}"#
        )
        let id = try #require(account.json["id"] as? String)
        let deal = try await app.send(
            .post,
            "/v1/opportunities",
            #"{"account_id": "\#(id)", "name": "Deal", "amount": 120000, "currency": "usd", "created_at": "2026-01-02T00:00:00Z"}"#
        )
        try await LifecycleAPITests.win(app, try #require(deal.json["id"] as? String), at: "2026-01-10T00:00:00Z")
        let contract = try await app.send(
            .post,
            "/v1/contracts",
            #"{"account_id": "\#(id)", "start_date": "2026-01-10", "billing_interval": "month", "recurring_amount": 100000, "currency": "usd"}"#
        )
        try #require(contract.status == .created, "\(contract.text)")
        let payment = try await app.send(
            .post,
            "/v1/payments",
            #"{"account_id": "\#(id)", "amount": 100000, "currency": "usd", "paid_at": "2026-01-10T00:00:00Z", "reference": "wire-\#(name)"}"#
        )
        try #require(payment.status == .created, "\(payment.text)")
        return id
    }

    static func contact(_ app: TestApp, _ account: String, _ name: String, title: String, strength: String) async throws -> String {
        let reply = try await app.send(
            .post,
            "/v1/contacts",
            #"{"account_id": "\#(account)", "name": "\#(name)", "title": "\#(title)", "relationship_strength": "\#(strength)"}"#
        )
        try #require(reply.status == .created, "\(reply.text)")
        return try #require(reply.json["id"] as? String)
    }

    static func post(_ app: TestApp, _ path: String, _ body: String) async throws {
        let reply = try await app.send(.post, path, body)
        try #require(reply.status == .created || reply.status == .ok, "\(path): \(reply.text)")
    }

    static func day(_ text: String) -> Date { Timestamp.parseDate(text)! }
    static func days(from start: String, _ date: Date) -> Int { Int((date.timeIntervalSince(day(start)) / 86_400).rounded(.down)) }

    /// The score of each day in closed form, component by component (see the comments in `drift`).
    static func expectedScore(_ date: Date) -> Int {
        let k = Double(min(30, max(0, days(from: "2026-03-20", date))))
        let adoption = 100 - 5 * k / 3
        let silence = days(from: "2026-03-01", date)
        let relationships = 50.0 + (silence <= 30 ? 25 : silence <= 60 ? 12.5 : 0) + (silence <= 15 ? 25 : silence <= 45 ? 12.5 : 0)
        var support = 100.0
        if date >= day("2026-04-20") { support -= 35 }
        if date >= day("2026-04-21") { support -= 15 }
        if date >= day("2026-05-10") { support -= 20 }
        let sentiment = date >= day("2026-04-25") ? 0.0 : 100
        let billing = date >= day("2026-05-16") ? 20.0 : 100
        let total = (30 * adoption + 25 * relationships + 15 * support + 15 * sentiment + 15 * billing) / 100
        return Int((total + 0.5 + 1e-9).rounded(.down))
    }

    @Test func anAccountDriftsFromGreenToRed() async throws {
        try await TestApp.run { app in
            let id = try await Self.customer(app, "Drift")
            let executive = try await Self.contact(app, id, "Eve", title: "VP Operations", strength: "strong")
            let user = try await Self.contact(app, id, "Uma", title: "Analyst", strength: "very_strong")
            _ = try await Self.contact(app, id, "Ulf", title: "Engineer", strength: "strong")
            // Last spoken to on 2026-03-01: users full marks for 30 days, half until 60; executives 15 and 45.
            for contact in [executive, user] {
                try await Self.post(
                    app,
                    "/v1/activities",
                    #"{"account_id": "\#(id)", "type": "call", "contact_id": "\#(contact)", "occurred_at": "2026-03-01T00:00:00Z"}"#
                )
            }
            // Usage 80 of 100 seats until 2026-03-19, then 40: adoption 100 − 5k/3 after k days of 40, then 50.
            let usage = (0..<148).map { offset -> String in
                let date = Self.day("2026-01-01").addingTimeInterval(Double(offset) * 86_400)
                let active = date < Self.day("2026-03-20") ? 80 : 40
                return #"{"account_id": "\#(id)", "date": "\#(Timestamp.formatDate(date))", "active_users": \#(active), "licensed_seats": 100}"#
            }
            try await Self.post(app, "/v1/usage", #"{"records": [\#(usage.joined(separator: ","))]}"#)
            // An unanswered urgent case from 2026-04-20 (−35, and −15 once its 1 h target passed); a high case answered in time (−20).
            try await Self.post(
                app,
                "/v1/cases",
                #"{"account_id": "\#(id)", "subject": "Down", "priority": "urgent", "opened_at": "2026-04-20T00:00:00Z"}"#
            )
            let high = try await app.send(
                .post,
                "/v1/cases",
                #"{"account_id": "\#(id)", "subject": "Slow", "priority": "high", "opened_at": "2026-05-10T00:00:00Z"}"#
            )
            try await Self.post(app, "/v1/cases/\(high.json["id"] as? String ?? "")/respond", #"{"at": "2026-05-10T01:00:00Z"}"#)
            // The user was a promoter, then a detractor: sentiment 100, then 0.
            try await Self.post(
                app,
                "/v1/surveys",
                #"{"account_id": "\#(id)", "kind": "nps", "score": 9, "contact_id": "\#(user)", "responded_at": "2026-02-20T00:00:00Z"}"#
            )
            try await Self.post(
                app,
                "/v1/surveys",
                #"{"account_id": "\#(id)", "kind": "nps", "score": 3, "contact_id": "\#(user)", "responded_at": "2026-04-24T12:00:00Z"}"#
            )
            // A failed invoice on 2026-05-15: billing 20 and payment_failed from the next evaluation.
            let failed = StripeFixture.invoice("in_drift", customer: "cus_Drift", paid: 0, due: 100000)
            try await app.stripe(StripeFixture.event("evt_drift_failed", "invoice.payment_failed", created: "2026-05-15T12:00:00Z", failed))

            let days = (0..<90).map { Self.day("2026-03-01").addingTimeInterval(Double($0) * 86_400) }
            for date in days {
                let run = try await app.send(.post, "/v1/health/evaluate?as_of=\(Timestamp.formatDate(date))")
                try #require(run.status == .ok && run.json["evaluated"] as? Int == 1, "\(run.text)")
            }

            let history =
                try await app.send(.get, "/v1/accounts/\(id)/health/history?from=2026-03-01&to=2026-05-30").json["data"] as? [[String: Any]] ?? []
            #expect(history.map { $0["date"] as? String ?? "" } == days.map(Timestamp.formatDate))
            #expect(history.map { $0["score"] as? Int ?? -1 } == days.map(Self.expectedScore))
            #expect(Self.expectedScore(Self.day("2026-03-01")) == 100 && Self.expectedScore(Self.day("2026-05-29")) == 35)
            let bands = history.map { $0["band"] as? String ?? "" }
            #expect(bands.first == "green" && bands.last == "red" && bands.contains("yellow"))
            #expect(
                history.last?["components"] as? [String: Double] == [
                    "adoption": 50, "relationships": 50, "support": 30, "sentiment": 0, "billing": 20,
                ]
            )

            // Flags: adoption_emergency from 2026-04-04 (0.6 ≤ 0.75 × 0.8, users silent since 2026-03-31) until 2026-05-10
            // (0.4 > 0.75 × 0.52); payment_failed and health_red from 2026-05-16.
            func openFlags(_ asOf: String) async throws -> [String] {
                try await app.send(.get, "/v1/risks?account_id=\(id)&as_of=\(asOf)").data.map { "\($0["code"] ?? "") since \($0["since"] ?? "")" }
            }
            #expect(try await openFlags("2026-04-03").isEmpty)
            #expect(try await openFlags("2026-04-04") == ["adoption_emergency since 2026-04-04T00:00:00Z"])
            #expect(try await openFlags("2026-05-09") == ["adoption_emergency since 2026-04-04T00:00:00Z"])
            #expect(try await openFlags("2026-05-10").isEmpty)
            #expect(try await openFlags("2026-05-16") == ["payment_failed since 2026-05-16T00:00:00Z", "health_red since 2026-05-16T00:00:00Z"])
            #expect(try await openFlags("2026-05-29") == ["payment_failed since 2026-05-16T00:00:00Z", "health_red since 2026-05-16T00:00:00Z"])

            let tasks = try await app.send(.get, "/v1/tasks?account_id=\(id)").data
            #expect(
                tasks.map { "\($0["playbook"] ?? "") \($0["created_at"] ?? "") due \($0["due_at"] ?? "") \($0["owner"] ?? "") \($0["status"] ?? "")" }
                    == [
                        "adoption_emergency 2026-04-04T00:00:00Z due 2026-04-05T00:00:00Z dana open",
                        "payment_failed 2026-05-16T00:00:00Z due 2026-05-18T00:00:00Z dana open",
                        "health_red 2026-05-16T00:00:00Z due 2026-05-18T00:00:00Z dana open",
                    ]
            )
            #expect(tasks.first?["title"] as? String == "Emergency help")

            // The on-the-fly health of the last day equals the stored one, with its trend over 30 days.
            let health = try await app.send(.get, "/v1/accounts/\(id)/health?as_of=2026-05-29").json
            #expect(health["score"] as? Int == 35 && health["band"] as? String == "red")
            #expect(health["trend_30d"] as? Int == 35 - Self.expectedScore(Self.day("2026-04-29")))
            #expect((health["flags"] as? [[String: Any]])?.map { $0["code"] as? String ?? "" } == ["payment_failed", "health_red"])

            let timeline = try await app.send(.get, "/v1/accounts/\(id)/timeline?limit=500").data.compactMap { $0["kind"] as? String }
            #expect(Set(["case", "survey", "flag_raised", "flag_closed", "task"]).isSubset(of: Set(timeline)))

            // Evaluating an earlier day again (backfill) stores its score but leaves today's flags alone.
            try #require(try await app.send(.post, "/v1/health/evaluate?as_of=2026-04-10").status == .ok)
            #expect(try await openFlags("2026-05-29").count == 2)
            #expect(try await app.send(.get, "/v1/tasks?account_id=\(id)").data.count == 3)
        }
    }
}
