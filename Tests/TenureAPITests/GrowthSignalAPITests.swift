import Foundation
import HTTPTypes
import TenureCore
import TenureTestSupport
import Testing

/// INSIGHTS.md, "Growth signals": raised and closed by the evaluation like risks, listed apart from them.
@Suite(.temporaryFolder) struct GrowthSignalAPITests {
    typealias Drift = HealthDriftTests

    /// 20 of 50 seats used for 30 days, then 46 of 50: both seat and usage growth at 2026-04-01.
    static func growingCustomer(_ app: TestApp) async throws -> String {
        let id = try await Drift.customer(app, "Growing", owner: "kim")
        var records: [String] = []
        var day = Timestamp.parseDate("2026-01-31") ?? .distantPast
        for index in 0..<60 {
            let users = index < 30 ? 20 : 46
            records.append(#"{"account_id": "\#(id)", "date": "\#(Timestamp.formatDate(day))", "active_users": \#(users), "licensed_seats": 50}"#)
            day = day.addingTimeInterval(86_400)
        }
        try await Drift.post(app, "/v1/usage", #"{"records": [\#(records.joined(separator: ", "))]}"#)
        return id
    }

    @Test func signalsAreListedApartFromRisks_andOpenAndCloseWithTheirEvents() async throws {
        try await TestApp.run { app in
            let id = try await Self.growingCustomer(app)
            try await PlaybookTests.evaluate(app, "2026-04-01")
            let growth = try await app.send(.get, "/v1/signals?kind=growth").data
            #expect(Set(growth.compactMap { $0["code"] as? String }) == ["expansion_seats", "usage_growth"])
            #expect(growth.allSatisfy { $0["kind"] as? String == "growth" && $0["severity"] as? String == "info" })
            let risks = try await app.send(.get, "/v1/risks").data
            #expect(risks.allSatisfy { $0["kind"] as? String == "risk" } && !risks.contains { $0["code"] as? String == "usage_growth" })
            let all = try await app.send(.get, "/v1/signals").data
            #expect(all.count == growth.count + risks.count)
            #expect(try await app.send(.get, "/v1/signals?kind=growth&code=usage_growth&account_id=\(id)").data.count == 1)

            let health = try await app.send(.get, "/v1/accounts/\(id)/health?as_of=2026-04-01").json
            #expect(
                Set((health["growth_flags"] as? [[String: Any]] ?? []).compactMap { $0["code"] as? String }) == ["expansion_seats", "usage_growth"]
            )
            #expect(!(health["flags"] as? [[String: Any]] ?? []).contains { $0["code"] as? String == "usage_growth" })
            let account = try await LifecycleAPITests.account(app, id, asOf: "2026-04-01")
            #expect(!(account["open_flags"] as? [String] ?? []).contains("expansion_seats"), "open_flags are risks")
            #expect(
                try await app.send(.get, "/v1/tasks?account_id=\(id)").data.allSatisfy { $0["playbook"] as? String != "usage_growth" },
                "no task by default"
            )
            let opened = try await EventLogTests.events(app, "&type=growth_signal.opened")
            #expect(opened.count == 2)
            #expect(
                try await EventLogTests.events(app, "&type=risk_flag.opened").allSatisfy { event in
                    ((event["data"] as? [String: Any])?["object"] as? [String: Any])?["kind"] as? String == "risk"
                }
            )

            // 30 days on, without usage the window is empty: both close.
            try await PlaybookTests.evaluate(app, "2026-05-15")
            #expect(try await app.send(.get, "/v1/signals?kind=growth").data.isEmpty)
            #expect(try await app.send(.get, "/v1/signals?kind=growth&as_of=2026-04-02").data.count == 2)
            #expect(try await EventLogTests.events(app, "&type=growth_signal.closed").count == 2)
            #expect(try await app.send(.get, "/v1/signals?kind=hope").status == .badRequest)
        }
    }

    @Test func anEnabledGrowthPlaybookWritesATask_andTheThresholdsAreSettings() async throws {
        try await TestApp.run { app in
            let put = try await app.send(
                .put,
                "/v1/settings/playbooks",
                #"{"playbooks": [{"flag": "expansion_seats", "title": "Offer the 100-seat plan", "assignee": "ivy"}]}"#
            )
            #expect(put.status == .ok, "\(put.text)")
            let id = try await Self.growingCustomer(app)
            try await PlaybookTests.evaluate(app, "2026-04-01")
            let tasks = try await app.send(.get, "/v1/tasks?account_id=\(id)").data.filter { $0["playbook"] as? String == "expansion_seats" }
            #expect(tasks.map { "\($0["title"] ?? "") \($0["owner"] ?? "")" } == ["Offer the 100-seat plan ivy"])

            let settings = try await app.send(.get, "/v1/settings/health").json
            #expect(settings["expansion_seat_ratio"] as? Double == 0.9 && settings["promoter_days"] as? Int == 90)
            #expect(settings["usage_growth_ratio"] as? Double == 1.25)
            /// The settings as they are, with `changes` (and without the growth thresholds unless changed).
            func replaced(_ changes: [String: Any]) async throws -> TestReply {
                var body = settings.filter { !["expansion_seat_ratio", "promoter_days", "usage_growth_ratio"].contains($0.key) }
                for (key, value) in changes { body[key] = value }
                return try await app.send(
                    .put,
                    "/v1/settings/health",
                    String(decoding: try JSONSerialization.data(withJSONObject: body), as: UTF8.self)
                )
            }
            let changed = try await replaced(["expansion_seat_ratio": 0.95, "promoter_days": 30, "usage_growth_ratio": 3])
            #expect(changed.status == .ok, "\(changed.text)")
            let kept = try await replaced(["renewal_window_days": 60])
            #expect(kept.json["expansion_seat_ratio"] as? Double == 0.95 && kept.json["promoter_days"] as? Int == 30, "a PUT without them keeps them")
            let bad: [([String: Any], String)] = [
                (["expansion_seat_ratio": 0], "expansion_seat_ratio"), (["expansion_seat_ratio": 1.5], "expansion_seat_ratio"),
                (["promoter_days": 181], "promoter_days"), (["promoter_days": 0], "promoter_days"),
                (["usage_growth_ratio": -1], "usage_growth_ratio"),
            ]
            for (changes, field) in bad {
                let reply = try await replaced(changes)
                #expect(reply.status == .unprocessableContent && reply.errorFields == [field], "\(changes): \(reply.text)")
            }
            #expect(try await app.send(.get, "/v1/settings/health").json["usage_growth_ratio"] as? Double == 3)
            try await PlaybookTests.evaluate(app, "2026-04-02")
            #expect(try await app.send(.get, "/v1/signals?kind=growth&code=usage_growth").data.isEmpty, "46 is not 3 × 20")
        }
    }
}
