import Foundation
import HTTPTypes
import TenureCore
import TenureTestSupport
import Testing

/// `GET /v1/metrics/summary`: each field equals the endpoint it summarizes, and the hand-computed value.
@Suite(.temporaryFolder) struct SummaryAPITests {
    typealias Drift = HealthDriftTests

    /// A customer won and paid at `since` on a monthly manual contract of `mrr`.
    static func customer(_ app: TestApp, _ name: String, since: String, mrr: Int) async throws -> String {
        let account = try await app.createAccount(name)
        let created = try await app.send(
            .post,
            "/v1/opportunities",
            #"{"account_id": "\#(account)", "name": "Deal", "amount": \#(mrr * 12), "currency": "usd", "created_at": "\#(since)T00:00:00Z"}"#
        )
        let deal = try #require(created.json["id"] as? String)
        try await LifecycleAPITests.win(app, deal, at: "\(since)T00:00:00Z")
        try await Drift.post(
            app,
            "/v1/contracts",
            #"{"account_id": "\#(account)", "start_date": "\#(since)", "billing_interval": "month", "recurring_amount": \#(mrr), "currency": "usd"}"#
        )
        try await Drift.post(
            app,
            "/v1/payments",
            #"{"account_id": "\#(account)", "amount": \#(mrr), "currency": "usd", "paid_at": "\#(since)T00:00:00Z", "reference": "wire-\#(name)"}"#
        )
        return account
    }

    static func contract(of account: String, _ app: TestApp) async throws -> String {
        try #require(try await app.send(.get, "/v1/contracts?account_id=\(account)").data.first?["id"] as? String)
    }

    /// Two customers from 2024 (one expanding, one cancelled in 2025), three from January 2026 (one failing to pay, one
    /// cancelled in May, one with support cases), a won account not yet paying, and a pipeline in the spring.
    static func company(_ app: TestApp) async throws {
        let older = try await customer(app, "Older", since: "2024-11-10", mrr: 100_000)
        try await Drift.post(
            app,
            "/v1/contracts",
            #"{"account_id": "\#(older)", "start_date": "2025-06-01", "billing_interval": "month", "recurring_amount": 20000, "currency": "usd"}"#
        )
        let leaving = try await customer(app, "Leaving", since: "2024-12-10", mrr: 50_000)
        try await Drift.post(app, "/v1/contracts/\(try await contract(of: leaving, app))/cancel", #"{"effective_date": "2025-11-01"}"#)

        _ = try await Drift.customer(app, "Alpha")
        let failed = StripeFixture.invoice("in_alpha", customer: "cus_Alpha", paid: 0, due: 100000)
        try #require(
            try await app.stripe(StripeFixture.event("evt_alpha_failed", "invoice.payment_failed", created: "2026-05-20T00:00:00Z", failed)).status
                == .ok
        )
        let beta = try await Drift.customer(app, "Beta")
        try await Drift.post(app, "/v1/contracts/\(try await contract(of: beta, app))/cancel", #"{"effective_date": "2026-05-15"}"#)
        let gamma = try await Drift.customer(app, "Gamma")
        for (opened, answered) in [
            ("2026-05-20T10:00:00Z", "2026-05-20T12:00:00Z"), ("2026-05-25T10:00:00Z", "2026-05-25T18:00:00Z"),
            ("2026-04-01T10:00:00Z", "2026-04-02T06:00:00Z"),
        ] {
            let reply = try await app.send(
                .post,
                "/v1/cases",
                #"{"account_id": "\#(gamma)", "subject": "Help", "priority": "normal", "opened_at": "\#(opened)"}"#
            )
            let id = try #require(reply.json["id"] as? String)
            try await Drift.post(app, "/v1/cases/\(id)/respond", #"{"at": "\#(answered)"}"#)
        }

        let (pending, pendingDeal) = try await LifecycleAPITests.prospect(app, "Pending")
        try await LifecycleAPITests.win(app, pendingDeal, at: "2026-02-01T00:00:00Z")
        try await Drift.post(
            app,
            "/v1/contracts",
            #"{"account_id": "\#(pending)", "start_date": "2026-03-01", "billing_interval": "year", "recurring_amount": 24000, "currency": "usd"}"#
        )

        for (name, amount, moves) in [
            ("Won", 300_000, [("proposal", "2026-03-20"), ("closed_won", "2026-04-10")]),
            ("Lost", 200_000, [("proposal", "2026-03-25"), ("closed_lost", "2026-04-20")]),
            ("Open", 500_000, [("proposal", "2026-04-01")]),
        ] {
            let deal = try await app.send(
                .post,
                "/v1/opportunities",
                #"{"account_id": "\#(gamma)", "name": "\#(name)", "amount": \#(amount), "currency": "usd", "created_at": "2026-03-10T00:00:00Z"}"#
            )
            let id = try #require(deal.json["id"] as? String)
            for (stage, at) in moves {
                let reason = stage == "closed_lost" ? #", "lost_reason": "price""# : ""
                try await Drift.post(app, "/v1/opportunities/\(id)/stage", #"{"stage": "\#(stage)", "at": "\#(at)T00:00:00Z"\#(reason)}"#)
            }
        }
        for month in ["2025-12", "2026-01", "2026-02", "2026-03", "2026-04", "2026-05"] {
            try await Drift.post(app, "/v1/acquisition-spend", #"{"period": "\#(month)", "amount": 90000, "currency": "usd"}"#)
        }
        try await Drift.post(app, "/v1/health/evaluate?as_of=2026-06-01", "")
    }

    @Test func everyFieldMatchesTheEndpointItSummarizesAndTheHandCount() async throws {
        try await TestApp.run { app in
            try await Self.company(app)
            let june = try await Self.expectConsistent(app, asOf: "2026-06-01T00:00:00Z")
            #expect(june["mrr"] as? Int == 320_000, "Older 120000, Alpha and Gamma 100000 each")
            #expect(june["arr"] as? Int == 3_840_000)
            #expect(june["customers"] as? Int == 3 && june["paying_customers"] as? Int == 3)
            #expect(june["cmrr"] as? [String: Int] == ["value": 222_000, "committed": 2_000, "at_risk": 100_000], "Alpha is red")
            #expect(june["open_pipeline_value"] as? Int == 500_000)
            #expect(june["win_rate"] as? Double == 0.5 && june["win_rate_stage3_plus"] as? Double == 0.5)
            #expect(june["avg_sales_cycle_days"] as? Double == 31)
            #expect(june["avg_first_response_hours"] as? Double == 5, "2 h and 8 h; April's case is outside the 30 days")
            #expect(june["churn_period"] as? String == "2026-05")
            #expect(june["customer_churn_rate"] as? Double == 0.25, "Beta of Older, Alpha, Beta and Gamma")
            #expect(abs((june["net_mrr_churn_rate"] as? Double ?? 0) - 100_000.0 / 420_000.0) < 1e-12)
            #expect(june["nrr_12m"] as? Double == 0.8, "Older 120000 + Leaving 0 over 100000 + 50000")
            #expect(june["health"] as? [String: Int] == ["green": 0, "yellow": 2, "red": 1, "unscored": 0], "Older 55, Gamma 42, Alpha 33")
            #expect(june["at_risk_accounts"] as? Int == 1, "Alpha's payment_failed is critical")

            let newYear = try await Self.expectConsistent(app, asOf: "2026-01-01T00:00:00Z")
            let year2025 = try await app.send(.get, "/v1/metrics/revenue?from=2025-01&to=2025-12&interval=year").data
            #expect(newYear["nrr_12m"] as? Double == 0.8 && year2025.first?["nrr"] as? Double == 0.8, "the year 2025 is the 365 days before")
            #expect(newYear["health"] as? [String: Int] == ["green": 0, "yellow": 0, "red": 0, "unscored": 1], "no evaluation yet")

            let now = try await Self.expectConsistent(app, asOf: nil)
            #expect(now["customer_churn_rate"] as? Double == 0 && now["mrr"] as? Int == 320_000)
        }
    }

    @Test func cohortsFollowTheirAccountsMonthByMonth() async throws {
        try await TestApp.run { app in
            try await Self.company(app)
            func cohorts(_ query: String) async throws -> [String] {
                let reply = try await app.send(.get, "/v1/metrics/cohorts?" + query, key: TestApp.readKey)
                try #require(reply.status == .ok, "\(reply.text)")
                return reply.data.map { row in
                    let values = (row["values"] as? [Any] ?? []).map { ($0 as? Double).map { String(format: "%.4g", $0) } ?? "null" }
                    return "\(row["cohort"] ?? "") \(row["size"] ?? "") [\(values.joined(separator: " "))]"
                }
            }
            // Alpha, Beta and Gamma started in January 2026; Beta stopped paying on 2026-05-15. February had no new account.
            #expect(
                try await cohorts("from=2026-01&to=2026-02&as_of=2026-06-01") == ["2026-01 3 [1 1 1 1 0.6667]", "2026-02 0 [null null null null]"]
            )
            #expect(try await cohorts("from=2026-01&to=2026-01&basis=revenue&as_of=2026-06-01") == ["2026-01 3 [1 1 1 1 0.6667]"])
            // Older (November 2024) grew from 100000 to 120000 in June 2025; Leaving (December 2024) stopped on 2025-11-01.
            #expect(
                try await cohorts("from=2024-11&to=2024-12&basis=revenue&as_of=2025-12-01") == [
                    "2024-11 1 [1 1 1 1 1 1 1 1.2 1.2 1.2 1.2 1.2 1.2]", "2024-12 1 [1 1 1 1 1 1 1 1 1 1 1 0]",
                ]
            )
            #expect(try await cohorts("from=2024-11&to=2024-12&as_of=2025-12-01").last == "2024-12 1 [1 1 1 1 1 1 1 1 1 1 1 0]")
            let defaults = try await cohorts("")
            #expect(defaults.count == 12, "the 12 months up to the last full one")
        }
    }

    @Test func refusalsNameTheParameter() async throws {
        try await TestApp.run { app in
            let refusals: [(String, HTTPResponse.Status, [String])] = [
                ("/v1/metrics/summary?as_of=2999-01-01", .unprocessableContent, ["as_of"]),
                ("/v1/metrics/summary?as_of=yesterday", .badRequest, ["as_of"]),
                ("/v1/metrics/cohorts?from=2026-13", .badRequest, ["from"]),
                ("/v1/metrics/cohorts?from=2026-05&to=2026-04", .unprocessableContent, ["from"]),
                ("/v1/metrics/cohorts?from=2016-01&to=2026-01", .unprocessableContent, ["from"]),
                ("/v1/metrics/cohorts?basis=mrr", .badRequest, ["basis"]),
                ("/v1/metrics/cohorts?as_of=2999-01-01", .unprocessableContent, ["as_of"]),
            ]
            for (path, status, fields) in refusals {
                let reply = try await app.send(.get, path)
                #expect(reply.status == status, "\(path): \(reply.text)")
                #expect(reply.errorFields == fields, "\(path)")
            }
            #expect(try await app.send(.get, "/v1/metrics/cohorts?from=2016-02&to=2026-01").status == .ok, "120 months is the most")
            #expect(try await app.send(.get, "/v1/metrics/summary", key: nil).status == .unauthorized)
            let empty = try await app.send(.get, "/v1/metrics/summary", key: TestApp.readKey)
            #expect(empty.status == .ok && empty.json["mrr"] as? Int == 0 && empty.json["arpa"] is NSNull && empty.json["nrr_12m"] is NSNull)
        }
    }

    /// Compares every field of the summary with the detailed endpoint, and answers the summary.
    static func expectConsistent(_ app: TestApp, asOf: String?) async throws -> [String: Any] {
        let summary = try await app.send(.get, "/v1/metrics/summary" + (asOf.map { "?as_of=\($0)" } ?? ""))
        try #require(summary.status == .ok, "\(summary.text)")
        let fields = summary.json
        let asOf = try #require(fields["as_of"] as? String)
        let instant = try #require(Timestamp.parseInstantOrDate(asOf))
        func same(_ field: String, _ detail: Any?, _ comment: String) {
            #expect((fields[field] as? NSObject) == (detail as? NSObject), "\(field) at \(asOf): \(comment)")
        }
        func get(_ path: String) async throws -> TestReply {
            let reply = try await app.send(.get, path)
            try #require(reply.status == .ok, "\(path): \(reply.text)")
            return reply
        }
        func count(_ path: String) async throws -> Int { try await get(path + "&as_of=\(asOf)&limit=500").data.count }

        let month = CalendarMonth(containing: instant)
        let current = try await get("/v1/metrics/revenue?from=\(month)&to=\(month)&as_of=\(asOf)").data.last
        same("mrr", current?["mrr_end"], "the open month's MRR at its end, as_of")
        same("paying_customers", current?["customers_end"], "accounts paying at as_of")
        #expect(fields["arr"] as? Int == 12 * (fields["mrr"] as? Int ?? -1))
        let lastMonth = try await get("/v1/metrics/revenue?from=\(month.adding(-1))&to=\(month.adding(-1))&as_of=\(asOf)").data.first
        same("churn_period", lastMonth?["period"], "the last full month")
        same("customer_churn_rate", lastMonth?["customer_churn_rate"], "its revenue row")
        same("net_mrr_churn_rate", lastMonth?["net_mrr_churn_rate"], "its revenue row")

        let ltv = try await get("/v1/metrics/ltv?as_of=\(asOf)").json
        for field in ["arpa", "ltv", "cac", "ltv_cac_ratio"] { same(field, ltv[field], "GET /v1/metrics/ltv") }

        let pipeline = try await get("/v1/metrics/pipeline?to=\(asOf)&as_of=\(asOf)").json
        for field in ["open_pipeline_value", "weighted_pipeline_value", "win_rate", "win_rate_stage3_plus", "avg_sales_cycle_days"] {
            same(field, pipeline[field], "GET /v1/metrics/pipeline over the 90 days before")
        }
        let supportFrom = Timestamp.format(instant.addingTimeInterval(-30 * 86_400))
        let support = try await get("/v1/metrics/support?from=\(supportFrom)&to=\(asOf)&as_of=\(asOf)").json
        same("avg_first_response_hours", support["avg_first_response_hours"], "GET /v1/metrics/support over the 30 days before")

        #expect(fields["customers"] as? Int == (try await count("/v1/customers?")), "GET /v1/customers")
        var bands: [String: Int] = [:]
        for band in ["green", "yellow", "red", "unscored"] { bands[band] = try await count("/v1/customers?band=\(band)") }
        #expect(fields["health"] as? [String: Int] == bands, "GET /v1/customers?band=")
        var flagged = Set<String>()
        for severity in ["high", "critical"] {
            let risks = try await get("/v1/risks?severity=\(severity)&as_of=\(asOf)&limit=500").data
            flagged.formUnion(risks.compactMap { $0["account_id"] as? String })
        }
        #expect(fields["at_risk_accounts"] as? Int == flagged.count, "GET /v1/risks, accounts with a high or critical flag")
        #expect(fields["at_risk_accounts"] as? Int == (try await count("/v1/accounts?at_risk=true")), "GET /v1/accounts?at_risk=true")
        let cmrr = try #require(fields["cmrr"] as? [String: Int])
        #expect(cmrr["value"] == (fields["mrr"] as? Int ?? 0) + (cmrr["committed"] ?? 0) - (cmrr["at_risk"] ?? 0))
        return fields
    }
}
