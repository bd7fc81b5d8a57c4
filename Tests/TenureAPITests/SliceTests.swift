import Foundation
import HTTPTypes
import TenureTestSupport
import Testing

/// INSIGHTS.md, "Slices": every metric over a segment, industry or owner, and grouped, with the chapter's March example.
@Suite(.temporaryFolder) struct SliceTests {
    /// A customer on manual monthly contracts `(start, mrr, cancelled)`, won and paid at the first start.
    @discardableResult
    static func customer(
        _ app: TestApp,
        _ name: String,
        segment: String,
        industry: String,
        owner: String,
        dealOwner: String? = nil,
        contracts: [(String, Int, String?)]
    ) async throws -> String {
        let (account, deal) = try await LifecycleAPITests.prospect(app, name)
        let patched = try await app.send(
            .patch,
            "/v1/accounts/\(account)",
            #"{"segment": "\#(segment)", "industry": "\#(industry)", "owner": "\#(owner)"}"#
        )
        try #require(patched.status == .ok, "\(patched.text)")
        if let dealOwner { try await app.send(.patch, "/v1/opportunities/\(deal)", #"{"owner": "\#(dealOwner)"}"#) }
        for (start, mrr, cancelled) in contracts {
            let contract = try await app.send(
                .post,
                "/v1/contracts",
                #"{"account_id": "\#(account)", "start_date": "\#(start)", "billing_interval": "month", "recurring_amount": \#(mrr), "currency": "usd"}"#
            )
            try #require(contract.status == .created, "\(contract.text)")
            if let cancelled {
                try await app.send(.post, "/v1/contracts/\(contract.json["id"] as? String ?? "")/cancel", #"{"effective_date": "\#(cancelled)"}"#)
            }
        }
        let start = contracts[0].0
        try await LifecycleAPITests.win(app, deal, at: "\(start)T00:00:00Z")
        let paid = try await app.send(
            .post,
            "/v1/payments",
            #"{"account_id": "\#(account)", "amount": \#(contracts[0].1), "currency": "usd", "paid_at": "\#(start)T00:00:00Z", "reference": "wire \#(name)"}"#
        )
        try #require(paid.status == .created, "\(paid.text)")
        return account
    }

    static func example(_ app: TestApp) async throws {
        try await Self.customer(app, "S1", segment: "smb", industry: "Retail", owner: "ann", contracts: [("2026-01-05", 10000, "2026-03-10")])
        let s2 = try await Self.customer(
            app,
            "S2",
            segment: "smb",
            industry: "finance",
            owner: "Bob",
            dealOwner: "bob",
            contracts: [("2026-02-01", 20000, nil), ("2026-03-01", 10000, nil)]
        )
        try await Self.customer(
            app,
            "E1",
            segment: "enterprise",
            industry: " retail",
            owner: "ann",
            contracts: [("2026-02-15", 100000, "2026-03-20"), ("2026-03-20", 80000, nil)]
        )
        try await Self.customer(app, "M1", segment: "mid_market", industry: "FINANCE", owner: "bob", contracts: [("2026-03-05", 50000, nil)])
        // Outside the slice: another industry, and none.
        try await Self.customer(app, "X1", segment: "smb", industry: "media", owner: "ann", contracts: [("2026-02-01", 7000, nil)])
        let open = try await app.send(
            .post,
            "/v1/opportunities",
            #"{"account_id": "\#(s2)", "name": "Upsell", "amount": 70000, "currency": "usd", "owner": "cy", "stage": "proposal", "created_at": "2026-03-02T00:00:00Z"}"#
        )
        try #require(open.status == .created, "\(open.text)")
    }

    static func figures(_ row: [String: Any]) -> [Int] {
        ["mrr_start", "new", "expansion", "contraction", "churn", "mrr_end"].map { row[$0] as? Int ?? -1 }
    }

    @Test func theChaptersMarch_bySegment_andByOwner() async throws {
        try await TestApp.run { app in
            try await Self.example(app)
            let march = "from=2026-03&to=2026-03&as_of=2026-04-01"
            let sliced = try await app.send(.get, "/v1/metrics/revenue?\(march)&industry=retail,finance&group_by=segment")
            #expect(sliced.status == .ok, "\(sliced.text)")
            #expect(sliced.data.map(Self.figures) == [[130000, 50000, 10000, -20000, -10000, 160000]])
            let groups = sliced.json["groups"] as? [[String: Any]] ?? []
            #expect(groups.map { $0["value"] as? String } == ["enterprise", "mid_market", "smb"])
            #expect(
                groups.map { Self.figures(($0["data"] as? [[String: Any]])?.first ?? [:]) } == [
                    [100000, 0, 0, -20000, 0, 80000], [0, 50000, 0, 0, 0, 50000], [30000, 0, 10000, 0, -10000, 30000],
                ]
            )
            #expect(sliced.json["group_by"] as? String == "segment")
            let ann = try await app.send(.get, "/v1/metrics/revenue?\(march)&industry=retail&industry=finance&owner=ANN").data
            #expect(ann.map(Self.figures) == [[110000, 0, 0, -20000, -10000, 80000]], "repeated values, owner in any case")
            let whole = try await app.send(.get, "/v1/metrics/revenue?\(march)").data
            #expect(whole.map(Self.figures) == [[137000, 50000, 10000, -20000, -10000, 167000]], "unsliced: every account")
            let cy = try await app.send(.get, "/v1/metrics/revenue?\(march)&owner=cy").data
            #expect(cy.map(Self.figures) == [[0, 0, 0, 0, 0, 0]], "an owner of no account: zeros, not an error")

            let ltv = try await app.send(.get, "/v1/metrics/ltv?as_of=2026-04-01&industry=retail,finance").json
            #expect(abs((ltv["arpa"] as? Double ?? 0) - 160000.0 / 3) < 1e-6)
            #expect(abs((ltv["avg_customer_churn_rate"] as? Double ?? 0) - 1.0 / 6) < 1e-9)
            #expect(abs((ltv["ltv"] as? Double ?? 0) - 320000) < 1e-6)
            #expect(ltv["cac"] is NSNull, "spend has no segment: sliced, CAC is unknown")

            let window = "from=2026-01-01&to=2026-04-01&as_of=2026-04-01"
            let pipelineCy = try await app.send(.get, "/v1/metrics/pipeline?\(window)&owner=cy").json
            #expect(pipelineCy["open_count"] as? Int == 1 && pipelineCy["weighted_pipeline_value"] as? Double == 49000)
            let pipelineBob = try await app.send(.get, "/v1/metrics/pipeline?\(window)&owner=bob").json
            #expect(pipelineBob["won_count"] as? Int == 1 && pipelineBob["open_count"] as? Int == 0, "the deal's owner, not the account's")
            let byOwner = try await app.send(.get, "/v1/metrics/pipeline?\(window)&group_by=owner").json
            let owners = (byOwner["groups"] as? [[String: Any]] ?? []).map { "\($0["value"] ?? "null") \($0["won_count"] ?? "")" }
            #expect(owners == ["bob 1", "cy 0", "<null> 4"].map { $0.replacingOccurrences(of: "<null>", with: "\(NSNull())") })
            #expect(byOwner["won_count"] as? Int == 5)

            // The summary: each figure its endpoint's over the slice.
            let summary = try await app.send(.get, "/v1/metrics/summary?as_of=2026-04-01&segment=smb").json
            #expect(summary["mrr"] as? Int == 37000 && summary["paying_customers"] as? Int == 2)
            let summaryGroups =
                try await app.send(.get, "/v1/metrics/summary?as_of=2026-04-01&group_by=segment").json["groups"] as? [[String: Any]] ?? []
            #expect(summaryGroups.map { $0["mrr"] as? Int ?? -1 }.reduce(0, +) == 167000)
        }
    }

    @Test func anEarlierAsOf_groupsOnlyWhatHadHappenedByThen() async throws {
        try await TestApp.run { app in
            try await Self.example(app)
            // The 03-20 contraction of E1 is still to come on 03-15; X1 (media) is in the whole company's smb.
            let march = "from=2026-03&to=2026-03&as_of=2026-03-15T00:00:00Z"
            let whole = try await app.send(.get, "/v1/metrics/revenue?\(march)&group_by=segment").json
            #expect((whole["data"] as? [[String: Any]] ?? []).map(Self.figures) == [[137000, 50000, 10000, 0, -10000, 187000]])
            let groups = (whole["groups"] as? [[String: Any]] ?? []).map { ($0["data"] as? [[String: Any]] ?? []).map(Self.figures) }
            #expect(groups == [[[100000, 0, 0, 0, 0, 100000]], [[0, 50000, 0, 0, 0, 50000]], [[37000, 0, 10000, 0, -10000, 37000]]])
            let sliced = try await app.send(.get, "/v1/metrics/revenue?\(march)&industry=retail,finance&group_by=segment").json
            #expect((sliced["data"] as? [[String: Any]] ?? []).map(Self.figures) == [[130000, 50000, 10000, 0, -10000, 180000]])
            let slicedGroups = (sliced["groups"] as? [[String: Any]] ?? []).map { ($0["data"] as? [[String: Any]] ?? []).map(Self.figures) }
            #expect(slicedGroups.last == [[30000, 0, 10000, 0, -10000, 30000]])
        }
    }

    @Test func anAccountMovedToAnotherSegment_countsThereInEveryPeriod_beforeTheMoveToo() async throws {
        try await TestApp.run { app in
            try await Self.example(app)
            let s2 = try await app.send(.get, "/v1/accounts?q=S2").data.first?["id"] as? String ?? ""
            func enterprise() async throws -> (febMRR: Int?, openDeals: Int?) {
                let revenue = try await app.send(.get, "/v1/metrics/revenue?from=2026-02&to=2026-02&as_of=2026-04-01&group_by=segment").json
                let pipeline = try await app.send(.get, "/v1/metrics/pipeline?from=2026-01-01&to=2026-04-01&as_of=2026-04-01&group_by=segment").json
                func group(_ body: [String: Any]) -> [String: Any]? {
                    (body["groups"] as? [[String: Any]])?.first { $0["value"] as? String == "enterprise" }
                }
                return (((group(revenue)?["data"] as? [[String: Any]])?.first)?["mrr_end"] as? Int, group(pipeline)?["open_count"] as? Int)
            }
            let before = try await enterprise()  // read, and so kept by the shared copies
            #expect(before.febMRR == 100000 && before.openDeals == 0)
            let moved = try await app.send(.patch, "/v1/accounts/\(s2)", #"{"segment": "enterprise"}"#)
            try #require(moved.status == .ok, "\(moved.text)")
            let after = try await enterprise()
            #expect(after.febMRR == 120000 && after.openDeals == 1, "S2's February and its open deal, now enterprise's")
        }
    }

    @Test func groupsAddUpToTheTotal_onEveryEndpointThatSlices() async throws {
        try await TestApp.run { app in
            try await Self.example(app)
            let revenue = try await app.send(.get, "/v1/metrics/revenue?from=2026-01&to=2026-03&as_of=2026-04-01&group_by=industry").json
            let total = (revenue["data"] as? [[String: Any]] ?? []).map(Self.figures)
            let groups = (revenue["groups"] as? [[String: Any]] ?? []).map { ($0["data"] as? [[String: Any]] ?? []).map(Self.figures) }
            #expect((revenue["groups"] as? [[String: Any]] ?? []).map { $0["value"] as? String } == ["finance", "media", "retail"])
            let summed = total.indices.map { month in total[month].indices.map { field in groups.reduce(0) { $0 + $1[month][field] } } }
            #expect(summed == total)
            let churn = try await app.send(.get, "/v1/metrics/churn?from=2026-03&to=2026-03&as_of=2026-04-01&group_by=owner").json
            let churnGroups = churn["groups"] as? [[String: Any]] ?? []
            #expect(churnGroups.map { $0["value"] as? String } == ["ann", "bob"])
            #expect(churnGroups.map { (($0["total"] as? [String: Any])?["churned_mrr"] as? Int) ?? -1 } == [10000, 0])
            let cohorts = try await app.send(.get, "/v1/metrics/cohorts?from=2026-01&to=2026-03&as_of=2026-04-01&segment=enterprise").json
            #expect((cohorts["data"] as? [[String: Any]])?.count == 3)
        }
    }

    @Test func anUnknownSegmentOrDimensionIs400_anUnknownIndustryIsEmpty() async throws {
        try await TestApp.run { app in
            for path in [
                "/v1/metrics/revenue", "/v1/metrics/pipeline", "/v1/metrics/ltv", "/v1/metrics/cohorts", "/v1/metrics/support", "/v1/metrics/summary",
                "/v1/metrics/churn", "/v1/metrics/trials", "/v1/metrics/forecast",
            ] {
                let segment = try await app.send(.get, "\(path)?segment=giant")
                #expect(segment.status == .badRequest && segment.text.contains("segment"), "\(path): \(segment.text)")
                let group = try await app.send(.get, "\(path)?group_by=region")
                #expect(group.status == .badRequest && group.text.contains("group_by"), "\(path): \(group.text)")
                let industry = try await app.send(.get, "\(path)?industry=nothing-here&group_by=segment")
                #expect(industry.status == .ok, "\(path): \(industry.text)")
                #expect((industry.json["groups"] as? [Any])?.isEmpty == true, "\(path): \(industry.text)")
            }
        }
    }
}
