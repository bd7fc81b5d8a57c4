import Foundation
import HTTPTypes
import TenureTestSupport
import Testing

/// The hand-computed quarter of `TenureCoreTests/PipelineFixture` (13 deals), entered through the API.
@Suite(.temporaryFolder) struct PipelineTests {
    static func day(_ n: Int) -> String {
        Timestamp(Date(timeIntervalSince1970: 1_767_225_600 + Double(n) * 86_400))
    }

    static func Timestamp(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        return formatter.string(from: date)
    }

    /// (amount, created day, created stage, moves (stage, day, lost reason), activity days)
    static let deals: [(Int, Int, String, [(String, Int, String?)], [Int])] = [
        (1000, 0, "prospecting", [("discovery", 10, nil), ("solution_fit", 20, nil), ("proposal", 30, nil), ("closed_won", 40, nil)], []),
        (
            2000, 5, "prospecting",
            [("discovery", 15, nil), ("solution_fit", 25, nil), ("discovery", 35, nil), ("proposal", 45, nil), ("closed_won", 60, nil)], []
        ),
        (3000, 0, "prospecting", [("solution_fit", 10, nil), ("closed_lost", 50, "price")], []),
        (4000, 20, "prospecting", [("discovery", 30, nil), ("closed_lost", 40, "timing")], []),
        (5000, 30, "prospecting", [("discovery", 40, nil), ("solution_fit", 50, nil)], []),
        (6000, 60, "prospecting", [("discovery", 65, nil)], [85]),
        (7000, 80, "prospecting", [], []),
        (8000, 10, "proposal", [("closed_won", 70, nil)], []),
        (9000, -30, "prospecting", [("discovery", 5, nil), ("closed_lost", 15, "price")], []),
        (10000, -60, "prospecting", [("closed_won", -20, nil)], []),
        (11000, 50, "prospecting", [("discovery", 55, nil), ("solution_fit", 60, nil), ("proposal", 70, nil)], []),
        (12000, 20, "prospecting", [("discovery", 22, nil), ("solution_fit", 24, nil), ("closed_lost", 69, "price")], []),
        (13000, 88, "prospecting", [], []),
    ]

    /// Creates the 13 deals and returns their ids.
    static func load(_ app: TestApp) async throws -> [String] {
        let account = try await app.createAccount("Acme")
        var ids: [String] = []
        for (index, deal) in deals.enumerated() {
            let created = try await app.send(
                .post,
                "/v1/opportunities",
                #"{"account_id": "\#(account)", "name": "O\#(index + 1)", "amount": \#(deal.0), "currency": "usd", "stage": "\#(deal.2)", "created_at": "\#(day(deal.1))"}"#
            )
            try #require(created.status == .created, "\(created.text)")
            let id = try #require(created.json["id"] as? String)
            for (stage, day, reason) in deal.3 {
                let reasonField = reason.map { #", "lost_reason": "\#($0)""# } ?? ""
                let moved = try await app.send(
                    .post,
                    "/v1/opportunities/\(id)/stage",
                    #"{"stage": "\#(stage)", "at": "\#(Self.day(day))"\#(reasonField)}"#
                )
                try #require(moved.status == .ok, "\(moved.text)")
            }
            for activityDay in deal.4 {
                try await app.send(
                    .post,
                    "/v1/activities",
                    #"{"account_id": "\#(account)", "opportunity_id": "\#(id)", "type": "call", "occurred_at": "\#(Self.day(activityDay))"}"#
                )
            }
            ids.append(id)
        }
        return ids
    }

    @Test func pipelineMetricsEndpointAnswersEveryFieldOfTheQuarter() async throws {
        try await TestApp.run { app in
            _ = try await Self.load(app)
            let reply = try await app.send(.get, "/v1/metrics/pipeline?from=\(Self.day(0))&to=\(Self.day(90))")
            #expect(reply.status == .ok)
            let metrics = reply.json
            #expect(metrics["as_of"] as? String == Self.day(90), "as_of defaults to to")
            #expect(metrics["open_count"] as? Int == 5)
            #expect(metrics["open_pipeline_value"] as? Int == 42_000)
            #expect(metrics["weighted_pipeline_value"] as? Double == 12_900)
            #expect(metrics["won_count"] as? Int == 3)
            #expect(metrics["lost_count"] as? Int == 4)
            #expect(metrics["win_rate"] as? Double == 3.0 / 7.0)
            #expect(metrics["win_rate_stage3_plus"] as? Double == 0.6)
            #expect(metrics["avg_deal_size"] as? Double == 11_000.0 / 3.0)
            #expect(metrics["avg_sales_cycle_days"] as? Double == 155.0 / 3.0)
            #expect(abs((metrics["pipeline_velocity_per_day"] as? Double ?? 0) - 165_000.0 / 1_085.0) < 1e-9)
            #expect(metrics["stalled_count"] as? Int == 1)
            let conversion = metrics["stage_conversion"] as? [[String: Any]] ?? []
            #expect(conversion.compactMap { $0["reached"] as? Int } == [11, 9, 7, 4])
            #expect(conversion.compactMap { $0["advanced"] as? Int } == [9, 7, 4, 3])
            #expect(conversion.compactMap { $0["from"] as? String } == ["prospecting", "discovery", "solution_fit", "proposal"])
            let days = metrics["avg_days_in_stage"] as? [String: Double] ?? [:]
            let expectedDays = ["prospecting": 97.0 / 9.0, "discovery": 67.0 / 8.0, "solution_fit": 23, "proposal": 85.0 / 3.0]
            #expect(days.keys.sorted() == expectedDays.keys.sorted())
            for (stage, value) in expectedDays { #expect(abs((days[stage] ?? 0) - value) < 1e-9, "\(stage)") }
            let reasons = metrics["lost_reasons"] as? [[String: Any]] ?? []
            #expect(reasons.compactMap { $0["reason"] as? String } == ["price", "timing"])
            #expect(reasons.compactMap { $0["count"] as? Int } == [3, 1])
        }
    }

    @Test func metricsAsOfAPastDateAnswerWhatTheyWouldHaveThen() async throws {
        try await TestApp.run { app in
            _ = try await Self.load(app)
            let metrics = try await app.send(.get, "/v1/metrics/pipeline?from=\(Self.day(0))&to=\(Self.day(90))&as_of=\(Self.day(45))").json
            #expect(metrics["open_count"] as? Int == 5)
            #expect(metrics["open_pipeline_value"] as? Int == 30_000)
            #expect(metrics["weighted_pipeline_value"] as? Double == 14_000)
            #expect(metrics["won_count"] as? Int == 1)
            #expect(metrics["lost_count"] as? Int == 2)
            #expect(metrics["stalled_count"] as? Int == 3)
            // The board's columns: each is the list of that stage's open deals at the same moment.
            let columns = try #require(metrics["open_by_stage"] as? [[String: Any]])
            #expect(columns.map { $0["stage"] as? String } == ["prospecting", "discovery", "solution_fit", "proposal"])
            #expect(columns.map { $0["count"] as? Int } == [0, 1, 2, 2])
            for column in columns {
                let deals = try await app.send(.get, "/v1/opportunities?stage=\(column["stage"] as? String ?? "")&open=true&as_of=\(Self.day(45))")
                    .data
                #expect(deals.count == column["count"] as? Int)
                #expect(deals.compactMap { $0["amount"] as? Int }.reduce(0, +) == column["value"] as? Int)
                #expect(deals.filter { $0["stalled"] as? Bool == true }.count == column["stalled_count"] as? Int)
            }
            let bad = try await app.send(.get, "/v1/metrics/pipeline?from=\(Self.day(10))&to=\(Self.day(0))")
            #expect(bad.errorFields == ["from"])
        }
    }

    @Test func opportunitiesCarryDerivedFieldsAndFilter() async throws {
        try await TestApp.run { app in
            let ids = try await Self.load(app)
            let asOf = "as_of=\(Self.day(90))"
            let o5 = try await app.send(.get, "/v1/opportunities/\(ids[4])?\(asOf)").json
            #expect(o5["stage"] as? String == "solution_fit")
            #expect(o5["probability"] as? Double == 0.4)
            #expect(o5["days_in_stage"] as? Double == 40)
            #expect(o5["stalled"] as? Bool == true)
            let history = o5["stage_history"] as? [[String: Any]] ?? []
            #expect(history.map { $0["from"] as? String ?? "-" } == ["-", "prospecting", "discovery"])
            #expect(history.compactMap { $0["to"] as? String } == ["prospecting", "discovery", "solution_fit"])
            let o6 = try await app.send(.get, "/v1/opportunities/\(ids[5])?\(asOf)").json
            #expect(o6["last_activity_at"] as? String == Self.day(85))
            #expect(o6["stalled"] as? Bool == false)
            func names(_ query: String) async throws -> [String] {
                try await app.send(.get, "/v1/opportunities?\(query)&\(asOf)&limit=2").data.compactMap { $0["name"] as? String }
            }
            #expect(try await app.send(.get, "/v1/opportunities?stalled=true&\(asOf)").data.compactMap { $0["name"] as? String } == ["O5"])
            var open: [String] = []
            var cursor: String?
            repeat {
                let page = try await app.send(.get, "/v1/opportunities?open=true&\(asOf)&limit=2" + (cursor.map { "&cursor=\($0)" } ?? ""))
                open += page.data.compactMap { $0["name"] as? String }
                cursor = page.json["next_cursor"] as? String
            } while cursor != nil
            #expect(open == ["O5", "O6", "O7", "O11", "O13"])
            #expect(try await names("stage=closed_won") == ["O1", "O2"])
            let early = try await app.send(.get, "/v1/opportunities?stage=proposal&as_of=\(Self.day(45))").data.compactMap { $0["name"] as? String }
            #expect(early == ["O2", "O8"])
        }
    }

    @Test func stageRulesAnswer409And422AndChangeNothing() async throws {
        try await TestApp.run { app in
            let account = try await app.createAccount("Acme")
            let created = try await app.send(
                .post,
                "/v1/opportunities",
                #"{"account_id": "\#(account)", "name": "Deal", "amount": 500, "currency": "usd", "created_at": "2026-03-01T00:00:00Z"}"#
            )
            let id = try #require(created.json["id"] as? String)
            try await app.send(.post, "/v1/opportunities/\(id)/stage", #"{"stage": "discovery", "at": "2026-03-10T00:00:00Z"}"#)
            let before = try await app.snapshot()
            #expect(
                try await app.send(.post, "/v1/opportunities/\(id)/stage", #"{"stage": "proposal", "at": "2026-03-09T00:00:00Z"}"#).errorFields == [
                    "at"
                ]
            )
            #expect(
                try await app.send(.post, "/v1/opportunities/\(id)/stage", #"{"stage": "proposal", "at": "2999-01-01T00:00:00Z"}"#).errorFields == [
                    "at"
                ]
            )
            #expect(try await app.send(.post, "/v1/opportunities/\(id)/stage", #"{"stage": "closed_lost"}"#).errorFields == ["lost_reason"])
            #expect(try await app.send(.post, "/v1/opportunities/\(id)/stage", #"{"stage": "won"}"#).errorFields == ["stage"])
            #expect(try await app.send(.patch, "/v1/opportunities/\(id)", #"{"stage": "proposal"}"#).errorFields == ["stage"])
            #expect(try await app.send(.post, "/v1/opportunities/opp_missing/stage", #"{"stage": "proposal"}"#).status == .notFound)
            #expect(
                try await app.send(.post, "/v1/opportunities", #"{"account_id": "\#(account)", "name": "X", "amount": 1, "currency": "eur"}"#)
                    .errorFields == ["currency"]
            )
            #expect(try await app.snapshot() == before)

            let won = try await app.send(.post, "/v1/opportunities/\(id)/stage", #"{"stage": "closed_won", "at": "2026-03-10T00:00:00Z"}"#)
            #expect(won.json["stage"] as? String == "closed_won")
            let afterWin = try await app.snapshot()
            let reopen = try await app.send(.post, "/v1/opportunities/\(id)/stage", #"{"stage": "proposal"}"#)
            #expect(reopen.status == .conflict)
            #expect(try await app.snapshot() == afterWin)
            let patched = try await app.send(.patch, "/v1/opportunities/\(id)", #"{"amount": 900, "owner": "dana", "close_date": "2026-03-31"}"#)
            #expect(patched.json["amount"] as? Int == 900)
            #expect(patched.json["close_date"] as? String == "2026-03-31")
            let timeline = try await app.send(.get, "/v1/accounts/\(account)/timeline").data.compactMap { $0["summary"] as? String }
            #expect(timeline == ["Deal: closed won", "Deal: discovery", "Deal: prospecting"])
        }
    }

    @Test func settingsChangeProbabilitiesAndStallDaysForAdminsOnly() async throws {
        try await TestApp.run { app in
            let defaults = try await app.send(.get, "/v1/settings/pipeline", key: TestApp.readKey).json
            #expect(defaults["stall_days"] as? Int == 21)
            #expect((defaults["stage_probabilities"] as? [String: Double])?["proposal"] == 0.7)
            let body =
                #"{"stage_probabilities": {"prospecting": 0.05, "discovery": 0.2, "solution_fit": 0.5, "proposal": 0.8, "closed_won": 1, "closed_lost": 0}, "stall_days": 14}"#
            #expect(try await app.send(.put, "/v1/settings/pipeline", body, key: TestApp.writeKey).status == .forbidden)
            #expect(try await app.send(.put, "/v1/settings/pipeline", body).status == .ok)
            #expect(try await app.send(.get, "/v1/settings/pipeline").json["stall_days"] as? Int == 14)
            let before = try await app.snapshot()
            let invalid = try await app.send(
                .put,
                "/v1/settings/pipeline",
                #"{"stage_probabilities": {"prospecting": 1.5, "bogus": 0.1}, "stall_days": 0}"#
            )
            #expect(invalid.status == .unprocessableContent)
            #expect(invalid.errorFields.contains("stage_probabilities.prospecting") && invalid.errorFields.contains("stall_days"))
            #expect(try await app.snapshot() == before)
            let account = try await app.createAccount("Acme")
            let deal = try await app.send(
                .post,
                "/v1/opportunities",
                #"{"account_id": "\#(account)", "name": "D", "amount": 100, "currency": "usd"}"#
            )
            #expect(deal.json["probability"] as? Double == 0.05, "\(deal.text)")
        }
    }
}
