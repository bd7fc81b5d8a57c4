import Foundation
import HTTPTypes
import TenureCore
import Testing

/// LEADS.md, "Marketing metrics": a cohort followed through MQL, SQL, won and customer by source and campaign, with the
/// spend of each channel, and which scoring rules preceded won deals.
@Suite(.temporaryFolder) struct MarketingMetricsTests {
    /// A lead created at `created`; its id.
    static func lead(_ app: TestApp, _ name: String, source: String?, created: String, campaign: String? = nil) async throws -> String {
        var fields = #""name": "\#(name)", "email": "\#(name.lowercased())@cohort.example", "created_at": "\#(created)""#
        if let source { fields += #", "source": "\#(source)""# }
        if let campaign { fields += #", "campaign": "\#(campaign)""# }
        return try #require(try await LeadTests.lead(app, fields)["id"] as? String)
    }

    /// Converts with a deal of `amount` (or none); the deal's id.
    static func convert(_ app: TestApp, _ lead: String, at: String, amount: Int?) async throws -> String? {
        let deal = amount.map { #", "create_opportunity": {"amount": \#($0), "currency": "usd"}"# } ?? ""
        let reply = try await app.send(.post, "/v1/leads/\(lead)/convert", #"{"at": "\#(at)"\#(deal)}"#, key: TestApp.writeKey)
        try #require(reply.status == .ok, "\(reply.text)")
        return reply.json["opportunity_id"] as? String
    }

    static func win(_ app: TestApp, _ deal: String?, at: String) async throws {
        let reply = try await app.send(.post, "/v1/opportunities/\(deal ?? "")/stage", #"{"stage": "closed_won", "at": "\#(at)"}"#)
        try #require(reply.status == .ok, "\(reply.text)")
    }

    /// The chapter's cohort: October 2026's leads, followed to November 30.
    static func cohort(_ app: TestApp) async throws -> [String: String] {
        var ids: [String: String] = [:]
        ids["w1"] = try await lead(app, "Wilma", source: "Webinar", created: "2026-10-02T00:00:00Z", campaign: "Autumn-Launch")
        ids["w2"] = try await lead(app, "Wanda", source: "webinar", created: "2026-10-04T00:00:00Z", campaign: "autumn-launch")
        ids["w3"] = try await lead(app, "Wes", source: "webinar ", created: "2026-10-07T00:00:00Z")
        ids["p1"] = try await lead(app, "Pavel", source: "paid_search", created: "2026-10-08T00:00:00Z")
        ids["p2"] = try await lead(app, "Priya", source: "Paid_Search", created: "2026-10-09T00:00:00Z")
        ids["n1"] = try await lead(app, "Nils", source: nil, created: "2026-10-15T00:00:00Z")
        ids["late"] = try await lead(app, "Lateo", source: "webinar", created: "2026-11-02T00:00:00Z")
        try await LeadTests.engage(
            app,
            #"""
            {"type": "webinar_attended", "lead_id": "\#(ids["w1"] ?? "")", "occurred_at": "2026-10-03T00:00:00Z"},
            {"type": "webinar_attended", "lead_id": "\#(ids["w3"] ?? "")", "occurred_at": "2026-10-08T00:00:00Z"}
            """#
        )
        let qualified = try await app.send(.post, "/v1/leads/\(ids["w1"] ?? "")/qualify", #"{"at": "2026-10-03T12:00:00Z"}"#, key: TestApp.writeKey)
        try #require(qualified.status == .ok, "\(qualified.text)")
        let first = try await convert(app, ids["w1"] ?? "", at: "2026-10-05T00:00:00Z", amount: 50_000)
        let second = try await convert(app, ids["w2"] ?? "", at: "2026-10-06T00:00:00Z", amount: 20_000)
        // W2's webinar comes after its conversion: it did not precede the deal.
        try await LeadTests.engage(app, #"{"type": "webinar_attended", "lead_id": "\#(ids["w2"] ?? "")", "occurred_at": "2026-10-07T00:00:00Z"}"#)
        _ = try await convert(app, ids["p1"] ?? "", at: "2026-10-09T00:00:00Z", amount: nil)
        _ = try await app.send(.post, "/v1/leads/\(ids["p2"] ?? "")/disqualify", #"{"reason": "competitor"}"#, key: TestApp.writeKey)
        try await win(app, first, at: "2026-10-10T00:00:00Z")
        try await win(app, second, at: "2026-10-20T00:00:00Z")
        let account = try await app.send(.get, "/v1/leads/\(ids["w1"] ?? "")").json["account_id"] as? String ?? ""
        let paid = try await app.send(
            .post,
            "/v1/payments",
            #"{"account_id": "\#(account)", "amount": 50000, "currency": "usd", "paid_at": "2026-10-12T00:00:00Z", "reference": "wire-1"}"#
        )
        try #require(paid.status == .created, "\(paid.text)")
        for (period, amount, channel) in [
            ("2026-10", 3_000, #""Webinar ""#), ("2026-10", 5_000, #""paid_search""#), ("2026-10", 1_000, #""events""#), ("2026-10", 400, "null"),
            ("2026-11", 9_999, #""webinar""#),
        ] {
            let reply = try await app.send(
                .post,
                "/v1/acquisition-spend",
                #"{"period": "\#(period)", "amount": \#(amount), "currency": "usd", "channel": \#(channel)}"#
            )
            try #require(reply.status == .created, "\(reply.text)")
        }
        return ids
    }

    @Test func theFunnelBySourceAndCampaign() async throws {
        try await TestApp.run { app in
            _ = try await Self.cohort(app)
            let reply = try await app.send(
                .get,
                "/v1/metrics/funnel?from=2026-10-01T00:00:00Z&to=2026-11-01T00:00:00Z&as_of=2026-11-30T00:00:00Z&group_by=source",
                key: TestApp.readKey
            )
            #expect(reply.status == .ok, "\(reply.text)")
            let rows = (reply.json["data"] as? [[String: Any]]) ?? []
            #expect(rows.map { $0["source"] as? String ?? "null" } == ["events", "paid_search", "webinar", "null"])
            let webinar = try #require(rows.first { $0["source"] as? String == "webinar" })
            #expect(webinar["leads"] as? Int == 3)
            #expect(webinar["mqls"] as? Int == 2)
            #expect(webinar["sqls"] as? Int == 2)
            #expect(webinar["won"] as? Int == 2)
            #expect(webinar["won_amount"] as? Int == 70_000)
            #expect(webinar["customers"] as? Int == 1)
            #expect(webinar["mql_rate"] as? Double == 2.0 / 3.0)
            #expect(webinar["customer_rate"] as? Double == 0.5)
            #expect(webinar["median_days_to_customer"] as? Double == 10)
            #expect(webinar["spend"] as? Int == 3_000)
            #expect(webinar["cac"] as? Double == 3_000)
            let paid = try #require(rows.first { $0["source"] as? String == "paid_search" })
            #expect(paid["mqls"] as? Int == 1)
            #expect(paid["sqls"] as? Int == 0)
            #expect(paid["win_rate"] is NSNull)
            #expect(paid["cac"] is NSNull)
            #expect(rows.first?["leads"] as? Int == 0)
            #expect(rows.first?["spend"] as? Int == 1_000)
            #expect(rows.last?["spend"] is NSNull)
            let total = try #require(reply.json["total"] as? [String: Any])
            #expect(total["leads"] as? Int == 6)
            #expect(total["mqls"] as? Int == 3)
            #expect(total["customers"] as? Int == 1)
            #expect(total["spend"] as? Int == 9_400)
            #expect(total["lead_to_customer_rate"] as? Double == 1.0 / 6.0)
            let campaigns = try await app.send(
                .get,
                "/v1/metrics/funnel?from=2026-10-01T00:00:00Z&to=2026-11-01T00:00:00Z&as_of=2026-11-30T00:00:00Z&group_by=campaign",
                key: TestApp.readKey
            )
            let byCampaign = (campaigns.json["data"] as? [[String: Any]]) ?? []
            #expect(byCampaign.map { $0["campaign"] as? String ?? "null" } == ["autumn-launch", "null"])
            #expect(byCampaign.first?["leads"] as? Int == 2)
            #expect(byCampaign.first?["spend"] is NSNull)
            // Before the payment the won deal's account was not a customer yet.
            let earlier = try await app.send(
                .get,
                "/v1/metrics/funnel?from=2026-10-01T00:00:00Z&to=2026-11-01T00:00:00Z&as_of=2026-10-11T00:00:00Z",
                key: TestApp.readKey
            )
            #expect((earlier.json["total"] as? [String: Any])?["won"] as? Int == 1)
            #expect((earlier.json["total"] as? [String: Any])?["customers"] as? Int == 0)
            for query in ["from=2026-10-01T00:00:00Z", "from=2026-11-01T00:00:00Z&to=2026-10-01T00:00:00Z", "from=x&to=2026-10-01T00:00:00Z"] {
                let bad = try await app.send(.get, "/v1/metrics/funnel?\(query)", key: TestApp.readKey)
                #expect(bad.status.code == 400 || bad.status.code == 422, "\(query)")
            }
            let badGroup = try await app.send(
                .get,
                "/v1/metrics/funnel?from=2026-10-01T00:00:00Z&to=2026-11-01T00:00:00Z&group_by=planet",
                key: TestApp.readKey
            )
            #expect(badGroup.status.code == 400 || badGroup.status.code == 422)
        }
    }

    @Test func whichRulesPrecededWonDeals() async throws {
        try await TestApp.run { app in
            _ = try await Self.cohort(app)
            let reply = try await app.send(
                .get,
                "/v1/metrics/lead-scoring?from=2026-10-01T00:00:00Z&to=2026-11-01T00:00:00Z&as_of=2026-11-30T00:00:00Z",
                key: TestApp.readKey
            )
            #expect(reply.status == .ok, "\(reply.text)")
            #expect(reply.json["leads"] as? Int == 6)
            #expect(reply.json["won"] as? Int == 2)
            let rules = (reply.json["data"] as? [[String: Any]]) ?? []
            #expect(
                rules.compactMap { $0["key"] as? String } == [
                    "executive", "target_segment", "pricing_page", "case_study", "webinar", "emails_this_month", "inactive_60d",
                ]
            )
            let webinar = try #require(rules.first { $0["key"] as? String == "webinar" })
            #expect(webinar["fired_leads"] as? Int == 2)
            #expect(webinar["fired_won"] as? Int == 1)
            #expect(webinar["other_leads"] as? Int == 4)
            #expect(webinar["other_won"] as? Int == 1)
            #expect(webinar["lift"] as? Double == 2)
            let executive = try #require(rules.first)
            #expect(executive["fired_leads"] as? Int == 0)
            #expect(executive["fired_win_rate"] is NSNull)
            #expect(executive["lift"] is NSNull)
        }
    }
}
