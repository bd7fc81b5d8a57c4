import Foundation
import HTTPTypes
import TenureTestSupport
import Testing

/// INSIGHTS.md, "Forecast": forecast categories, targets and `GET /v1/metrics/forecast`, with the chapter's example.
@Suite(.temporaryFolder) struct ForecastTests {
    /// A deal created on 2026-06-01 in `stage`; returns its id.
    static func deal(
        _ app: TestApp,
        _ account: String,
        _ name: String,
        _ amount: Int,
        owner: String,
        stage: String,
        closes: String?
    ) async throws -> String {
        let close = closes.map { #", "close_date": "\#($0)""# } ?? ""
        let reply = try await app.send(
            .post,
            "/v1/opportunities",
            #"{"account_id": "\#(account)", "name": "\#(name)", "amount": \#(amount), "currency": "usd", "owner": "\#(owner)", "stage": "\#(stage)", "created_at": "2026-06-01T00:00:00Z"\#(close)}"#
        )
        try #require(reply.status == .created, "\(reply.text)")
        return try #require(reply.json["id"] as? String)
    }

    static func move(_ app: TestApp, _ deal: String, to stage: String, at: String) async throws {
        let reason = stage == "closed_lost" ? #", "lost_reason": "budget""# : ""
        let reply = try await app.send(.post, "/v1/opportunities/\(deal)/stage", #"{"stage": "\#(stage)", "at": "\#(at)T09:00:00Z"\#(reason)}"#)
        try #require(reply.status == .ok, "\(reply.text)")
    }

    /// The chapter's deals and targets.
    static func example(_ app: TestApp) async throws -> [String: String] {
        let account = try await app.send(.post, "/v1/accounts", #"{"name": "Forecast Co"}"#).json["id"] as? String ?? ""
        var deals: [String: String] = [:]
        let rows: [(String, Int, String, String, String?)] = [
            ("F1", 100000, "fay", "proposal", "2026-07-31"), ("F12", 90000, "fay", "proposal", "2026-07-25"),
            ("F2", 50000, "gus", "proposal", "2026-09-30"), ("F3", 80000, "fay", "proposal", "2026-08-28"),
            ("F4", 40000, "gus", "solution_fit", "2026-08-20"), ("F5", 30000, "fay", "discovery", "2026-08-25"),
            ("F7", 25000, "fay", "proposal", "2026-08-30"), ("F8", 45000, "gus", "solution_fit", "2026-08-10"),
            ("F9", 70000, "fay", "proposal", "2026-08-31"), ("F6", 60000, "gus", "discovery", "2026-09-10"),
            ("F10", 20000, "fay", "prospecting", "2026-09-15"), ("F11", 35000, "gus", "proposal", nil),
        ]
        for (name, amount, owner, stage, closes) in rows {
            deals[name] = try await Self.deal(app, account, name, amount, owner: owner, stage: stage, closes: closes)
        }
        try await Self.move(app, deals["F1"] ?? "", to: "closed_won", at: "2026-07-20")
        try await Self.move(app, deals["F2"] ?? "", to: "closed_won", at: "2026-08-05")
        try await Self.move(app, deals["F9"] ?? "", to: "closed_lost", at: "2026-08-02")
        #expect(try await app.send(.patch, "/v1/opportunities/\(deals["F7"] ?? "")", #"{"forecast_category_override": "omitted"}"#).status == .ok)
        #expect(try await app.send(.patch, "/v1/opportunities/\(deals["F6"] ?? "")", #"{"forecast_category": "commit"}"#).status == .ok)
        let targets = try await app.send(
            .put,
            "/v1/targets",
            #"""
            {"targets": [{"period": "2026-07", "owner": null, "amount": 150000}, {"period": "2026-08", "amount": 300000},
                         {"period": "2026-08", "owner": " Fay ", "amount": 150000}, {"period": "2026-08", "owner": "gus", "amount": 120000}]}
            """#
        )
        try #require(targets.status == .ok, "\(targets.text)")
        return deals
    }

    /// A row as the chapter's table writes it: closed, commit, best_case, pipeline, weighted, slipped, target,
    /// attainment and coverage (to 3 places).
    static func row(_ json: [String: Any]) -> String {
        func number(_ key: String) -> String {
            guard let value = json[key] as? Double else { return "null" }
            return value == value.rounded() ? String(Int(value)) : String(format: "%.3f", value)
        }
        return ["closed", "commit", "best_case", "pipeline", "weighted", "slipped", "target", "attainment", "coverage"].map(number).joined(
            separator: " "
        )
    }

    @Test func theChaptersExample_byMonth_byOwner_andEarlier() async throws {
        try await TestApp.run { app in
            let deals = try await Self.example(app)
            let reply = try await app.send(.get, "/v1/metrics/forecast?from=2026-07&to=2026-09&as_of=2026-08-15&group_by=owner")
            #expect(reply.status == .ok, "\(reply.text)")
            #expect(
                reply.data.map(Self.row) == [
                    "100000 0 0 0 0 90000 150000 0.667 0",
                    "50000 80000 40000 30000 78000 45000 300000 0.167 0.600",
                    "0 60000 0 20000 14000 0 null null null",
                ]
            )
            #expect(reply.data.map { $0["slipped_count"] as? Int } == [1, 1, 0])
            #expect(reply.data[1]["commit_forecast"] as? Int == 130000 && reply.data[1]["best_case_forecast"] as? Int == 170000)
            #expect(reply.json["group_by"] as? String == "owner")
            let groups = reply.json["groups"] as? [[String: Any]] ?? []
            #expect(groups.map { $0["value"] as? String } == ["fay", "gus"])
            let august = groups.map { (($0["data"] as? [[String: Any]]) ?? [])[1] }.map(Self.row)
            #expect(august == ["0 80000 0 30000 62000 0 150000 0 0.733", "50000 0 40000 0 16000 45000 120000 0.417 0.571"])
            // The groups add up to the total.
            let sums = ["closed", "commit", "best_case", "pipeline", "slipped"].map { key in
                groups.reduce(0) { $0 + ((($1["data"] as? [[String: Any]]) ?? [])[1][key] as? Int ?? 0) }
            }
            #expect(sums == [50000, 80000, 40000, 30000, 45000])

            let fay = try await app.send(.get, "/v1/metrics/forecast?from=2026-08&to=2026-08&as_of=2026-08-15&owner=FAY").data
            #expect(fay.map(Self.row) == ["0 80000 0 30000 62000 0 150000 0 0.733"], "owner=: theirs, their target")
            let both = try await app.send(.get, "/v1/metrics/forecast?from=2026-08&to=2026-08&as_of=2026-08-15&owner=fay,gus").data
            #expect(both.first?["target"] as? Int == 270000, "owner= of two: the sum of theirs")
            let nobody = try await app.send(.get, "/v1/metrics/forecast?from=2026-08&to=2026-08&as_of=2026-08-15&owner=zed").data
            #expect(nobody.map(Self.row) == ["0 0 0 0 0 0 null null null"], "an owner no deal has: empty, not an error")
            let segment = try await app.send(.get, "/v1/metrics/forecast?from=2026-08&to=2026-08&as_of=2026-08-15&segment=smb").data
            #expect(segment.first?["target"] is NSNull)

            let earlier = try await app.send(.get, "/v1/metrics/forecast?from=2026-08&to=2026-09&as_of=2026-08-01").data
            #expect(
                earlier.map { [$0["closed"], $0["commit"], $0["best_case"], $0["weighted"]].map { ($0 as? Double) ?? -1 } } == [
                    [0, 150000, 85000, 145000], [0, 110000, 0, 49000],
                ]
            )

            // Each deal shows its category: won closed, lost omitted, the override, else by probability.
            var categories: [String] = []
            for name in ["F1", "F9", "F7", "F6", "F4", "F10", "F3"] {
                categories.append(try await app.send(.get, "/v1/opportunities/\(deals[name] ?? "")").json["forecast_category"] as? String ?? "?")
            }
            #expect(categories == ["closed", "omitted", "omitted", "commit", "best_case", "pipeline", "commit"])
            let cleared = try await app.send(.patch, "/v1/opportunities/\(deals["F6"] ?? "")", #"{"forecast_category_override": null}"#)
            #expect(cleared.json["forecast_category"] as? String == "pipeline" && cleared.json["forecast_category_override"] is NSNull)
        }
    }

    @Test func thresholdsMoveTheCategories_andAPutWithoutThemKeepsThem() async throws {
        try await TestApp.run { app in
            let account = try await app.send(.post, "/v1/accounts", #"{"name": "Thresholds"}"#).json["id"] as? String ?? ""
            let deal = try await Self.deal(app, account, "T", 1000, owner: "fay", stage: "solution_fit", closes: "2026-09-01")
            let stages =
                #""stage_probabilities": {"prospecting": 0.1, "discovery": 0.2, "solution_fit": 0.4, "proposal": 0.7, "closed_won": 1, "closed_lost": 0}"#
            let put = try await app.send(
                .put,
                "/v1/settings/pipeline",
                #"{\#(stages), "stall_days": 21, "forecast_thresholds": {"best_case": 0.5, "commit": 0.9}}"#
            )
            #expect(put.status == .ok, "\(put.text)")
            #expect(try await app.send(.get, "/v1/opportunities/\(deal)").json["forecast_category"] as? String == "pipeline")
            #expect(try await app.send(.put, "/v1/settings/pipeline", #"{\#(stages), "stall_days": 30}"#).status == .ok)
            let settings = try await app.send(.get, "/v1/settings/pipeline").json
            #expect(settings["forecast_thresholds"] as? [String: Double] == ["best_case": 0.5, "commit": 0.9])
            for bad in [
                #"{"best_case": 0.8, "commit": 0.7}"#, #"{"best_case": 1.5, "commit": 2}"#, #"{"commit": 0.7}"#,
                #"{"best_case": 0.1, "commit": 0.2, "worst": 0}"#, "null",
            ] {
                let reply = try await app.send(.put, "/v1/settings/pipeline", #"{\#(stages), "stall_days": 21, "forecast_thresholds": \#(bad)}"#)
                #expect(reply.status == .unprocessableContent, "\(bad): \(reply.text)")
                #expect(reply.errorFields.allSatisfy { $0.hasPrefix("forecast_thresholds") } && !reply.errorFields.isEmpty, "\(reply.text)")
            }
            #expect(try await app.send(.get, "/v1/settings/pipeline").json["stall_days"] as? Int == 30)
        }
    }

    @Test func aCategoryOffTheListIsRefused_onCreateAndPatch() async throws {
        try await TestApp.run { app in
            let account = try await app.send(.post, "/v1/accounts", #"{"name": "Refused"}"#).json["id"] as? String ?? ""
            let deal = try await Self.deal(app, account, "R", 1000, owner: "fay", stage: "proposal", closes: "2026-09-01")
            for value in [#""closed""#, #""maybe""#, "3"] {
                let patch = try await app.send(.patch, "/v1/opportunities/\(deal)", #"{"forecast_category_override": \#(value)}"#)
                #expect(patch.status.code / 100 == 4 && patch.text.contains("forecast_category_override"), "\(value): \(patch.text)")
            }
            let create = try await app.send(
                .post,
                "/v1/opportunities",
                #"{"account_id": "\#(account)", "name": "X", "amount": 1, "currency": "usd", "forecast_category": "closed"}"#
            )
            #expect(create.status == .unprocessableContent && create.errorFields == ["forecast_category"], "\(create.text)")
            #expect(try await app.send(.get, "/v1/opportunities?account_id=\(account)").data.count == 1)
            #expect(try await app.send(.get, "/v1/opportunities/\(deal)").json["forecast_category_override"] is NSNull)
        }
    }

    @Test func targetsAreUpsertedPerPeriodAndOwner_nullDeletes_andBadOnesChangeNothing() async throws {
        try await TestApp.run { app in
            let first = try await app.send(
                .put,
                "/v1/targets",
                #"{"targets": [{"period": "2026-09", "owner": "gus", "amount": 5}, {"period": "2026-08", "owner": null, "amount": 10}, {"period": "2026-09", "amount": 7}]}"#
            )
            #expect(first.status == .ok, "\(first.text)")
            func listed(_ query: String = "") async throws -> [String] {
                try await app.send(.get, "/v1/targets\(query)").data.map {
                    "\($0["period"] ?? "") \($0["owner"] as? String ?? "company") \($0["amount"] ?? "")"
                }
            }
            #expect(try await listed() == ["2026-08 company 10", "2026-09 company 7", "2026-09 gus 5"], "by period, the company first")
            try await app.send(
                .put,
                "/v1/targets",
                #"{"targets": [{"period": "2026-09", "owner": "GUS", "amount": 9}, {"period": "2026-08", "amount": null}]}"#
            )
            #expect(try await listed() == ["2026-09 company 7", "2026-09 gus 9"])
            #expect(try await listed("?owner=Gus") == ["2026-09 gus 9"])
            #expect(try await listed("?from=2026-10") == [])
            let before = try await listed()
            let cases: [(String, String)] = [
                (#"{"targets": [{"period": "2026-9", "amount": 1}]}"#, "targets[0].period"),
                (#"{"targets": [{"period": "2026-09", "amount": -1}]}"#, "targets[0].amount"),
                (#"{"targets": [{"period": "2026-09", "amount": 1.5}]}"#, "targets[0].amount"),
                (#"{"targets": [{"period": "2026-09"}]}"#, "targets[0].amount"),
                (#"{"targets": [{"period": "2026-09", "owner": "  ", "amount": 1}]}"#, "targets[0].owner"),
                (
                    #"{"targets": [{"period": "2026-10", "amount": 1}, {"period": "2026-09", "owner": "x", "amount": 1}, {"period": "2026-09", "owner": "X", "amount": 2}]}"#,
                    "targets[2].period"
                ),
                (#"{"targets": "all"}"#, "targets"),
                (#"{}"#, "targets"),
            ]
            for (body, field) in cases {
                let reply = try await app.send(.put, "/v1/targets", body)
                #expect(reply.status == .unprocessableContent, "\(body): \(reply.text)")
                #expect(reply.errorFields.contains(field), "\(body): \(reply.text)")
            }
            #expect(try await app.send(.put, "/v1/targets", #"{"targets": []}"#, key: TestApp.writeKey).status == .forbidden)
            #expect(try await listed() == before)
            #expect(try await app.send(.get, "/v1/targets?from=2026-13").status == .badRequest)
        }
    }

    @Test func malformedForecastQueriesAreNamed() async throws {
        try await TestApp.run { app in
            let bad: [(String, HTTPResponse.Status, String)] = [
                ("from=2026-09&to=2026-08", .unprocessableContent, "from"),
                ("from=2026-00", .badRequest, "from"),
                ("group_by=region", .badRequest, "group_by"),
                ("segment=tiny", .badRequest, "segment"),
                ("as_of=2999-01-01", .unprocessableContent, "as_of"),
            ]
            for (query, status, field) in bad {
                let reply = try await app.send(.get, "/v1/metrics/forecast?\(query)")
                #expect(reply.status == status, "\(query): \(reply.text)")
                #expect(reply.text.contains(field), "\(query): \(reply.text)")
            }
        }
    }

    @Test func aChangeOfWhatTheForecastReadsIsAnEvent_withTheFieldsAsTheyWere() async throws {
        try await TestApp.run { app in
            let account = try await app.send(.post, "/v1/accounts", #"{"name": "Signal Co"}"#).json["id"] as? String ?? ""
            let deal = try await Self.deal(app, account, "S1", 40000, owner: "fay", stage: "discovery", closes: "2026-09-30")
            func changes() async throws -> [(previous: [String: Any], category: String?, occurredAt: String?)] {
                try await EventLogTests.events(app, "&type=opportunity.forecast_changed").map { event in
                    let data = event["data"] as? [String: Any] ?? [:]
                    return (
                        data["previous"] as? [String: Any] ?? [:], (data["object"] as? [String: Any])?["forecast_category"] as? String,
                        event["occurred_at"] as? String
                    )
                }
            }
            #expect(try await changes().isEmpty, "a new deal is opportunity.created, not a forecast change")

            try await app.send(.patch, "/v1/opportunities/\(deal)", #"{"forecast_category_override": "commit"}"#)
            try await app.send(.patch, "/v1/opportunities/\(deal)", #"{"amount": 45000, "close_date": "2026-10-15", "name": "S1 bigger"}"#)
            try await app.send(.patch, "/v1/opportunities/\(deal)", #"{"name": "S1 renamed"}"#)
            try await app.send(.patch, "/v1/opportunities/\(deal)", #"{"owner": "gus", "forecast_category_override": null}"#)
            try await Self.move(app, deal, to: "discovery", at: "2026-06-10")  // its stage already: no change
            try await Self.move(app, deal, to: "proposal", at: "2026-06-20")
            try await Self.move(app, deal, to: "closed_won", at: "2026-07-01")
            let seen = try await changes()
            let previous = seen.map { NSDictionary(dictionary: $0.previous) }
            #expect(
                previous
                    == [
                        ["forecast_category": "pipeline"], ["amount": 40000, "close_date": "2026-09-30"],
                        ["forecast_category": "commit", "owner": "fay"], ["forecast_category": "pipeline"], ["forecast_category": "commit"],
                    ].map { NSDictionary(dictionary: $0) }
            )
            // Each object as its GET answers at the event's time: the edits' (now) come after the moves dated in June.
            #expect(seen.map(\.category) == ["closed", "closed", "closed", "commit", "closed"])
            #expect(seen.suffix(2).map(\.occurredAt) == ["2026-06-20T09:00:00Z", "2026-07-01T09:00:00Z"], "a move's own time")
        }
    }
}
