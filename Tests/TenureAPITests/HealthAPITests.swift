import Foundation
import HTTPTypes
import Logging
import TenureCore
import TenurePersistence
import TenureServices
import TenureTestSupport
import Testing

/// Usage, cases, surveys, settings, flags, playbooks and tasks through the API, with every refusal changing nothing.
@Suite(.temporaryFolder) struct HealthAPITests {
    typealias Drift = HealthDriftTests

    @Test func usageIsUpsertedPerAccountAndDayAllOrNothing() async throws {
        try await TestApp.run { app in
            let id = try await app.createAccount("Usage")
            func record(_ date: String, _ active: Any, account: String? = nil) -> String {
                #"{"account_id": "\#(account ?? id)", "date": "\#(date)", "active_users": \#(active), "licensed_seats": 10}"#
            }
            let first = try await app.send(.post, "/v1/usage", #"{"records": [\#(record("2026-03-01", 4)), \#(record("2026-03-02", 5))]}"#)
            #expect(first.status == .ok, "\(first.text)")
            try await Drift.post(app, "/v1/usage", #"{"records": [\#(record("2026-03-02", 7))]}"#)
            let stored = try await app.send(.get, "/v1/usage?account_id=\(id)").data
            #expect(stored.map { "\($0["date"] ?? "") \($0["active_users"] ?? "")" } == ["2026-03-01 4", "2026-03-02 7"])

            let before = try await app.snapshot()
            let refusals: [(String, HTTPResponse.Status, [String])] = [
                (#"{"records": [\#(record("2026-03-03", 1)), \#(record("2026-03-04", -1))]}"#, .unprocessableContent, ["records[1].active_users"]),
                (
                    #"{"records": [\#(record("2026-03-03", 1)), \#(record("2026-03-04", 1, account: "acc_nope"))]}"#, .unprocessableContent,
                    ["records[1].account_id"]
                ),
                (#"{"records": [\#(record("2999-01-01", 1))]}"#, .unprocessableContent, ["records[0].date"]),
                (#"{"records": [\#(record("2026-02-30", 1))]}"#, .unprocessableContent, ["records[0].date"]),
                (
                    #"{"records": [{"account_id": "\#(id)", "date": "2026-03-05"}]}"#, .unprocessableContent,
                    ["records[0].active_users", "records[0].licensed_seats"]
                ),
                (#"{"records": [\#(record("2026-03-03", "\"many\""))]}"#, .badRequest, ["records[0].active_users"]),
                (#"{"records": []}"#, .unprocessableContent, ["records"]),
                (#"{"records": [\#(record("2026-03-03", 1))"#, .badRequest, []),
                (#"{}"#, .unprocessableContent, ["records"]),
            ]
            for (body, status, fields) in refusals {
                let reply = try await app.send(.post, "/v1/usage", body)
                #expect(reply.status == status, "\(body): \(reply.text)")
                #expect(reply.errorFields == fields, "\(body)")
            }
            let tooMany = Array(repeating: record("2026-03-03", 1), count: 10_001).joined(separator: ",")
            #expect(try await app.send(.post, "/v1/usage", #"{"records": [\#(tooMany)]}"#).status == .unprocessableContent)
            #expect(try await app.send(.post, "/v1/usage", #"{"records": []}"#, key: TestApp.readKey).status == .forbidden)
            #expect(try await app.snapshot() == before)
            #expect(try await app.send(.get, "/v1/usage?account_id=acc_nope").status == .notFound)
        }
    }

    @Test func casesAreRespondedResolvedAndReopenedInTimeOrder() async throws {
        try await TestApp.run { app in
            let id = try await app.createAccount("Cases")
            let opened = try await app.send(
                .post,
                "/v1/cases",
                #"{"account_id": "\#(id)", "subject": "Login fails", "priority": "urgent", "opened_at": "2026-03-01T10:00:00Z", "external_id": "zd-1"}"#
            )
            #expect(opened.status == .created, "\(opened.text)")
            let caseID = try #require(opened.json["id"] as? String)
            #expect(opened.headers[.location] == "/v1/cases/\(caseID)")
            #expect(opened.json["first_response_due_at"] as? String == "2026-03-01T11:00:00Z")
            #expect(opened.json["breached"] as? Bool == true, "unanswered long after its 1 h target")

            let answered = try await app.send(.post, "/v1/cases/\(caseID)/respond", #"{"at": "2026-03-01T11:01:00Z"}"#)
            #expect(answered.json["first_response_at"] as? String == "2026-03-01T11:01:00Z")
            let again = try await app.send(.post, "/v1/cases/\(caseID)/respond", #"{"at": "2026-03-01T10:30:00Z"}"#)
            #expect(again.status == .ok && again.json["first_response_at"] as? String == "2026-03-01T11:01:00Z", "a later call changes nothing")
            #expect(
                try await app.send(.post, "/v1/cases/\(caseID)/resolve", #"{"at": "2026-03-01T12:00:00Z"}"#).json["status"] as? String == "resolved"
            )
            #expect(try await app.send(.get, "/v1/cases/\(caseID)?as_of=2026-03-01T11:30:00Z").json["status"] as? String == "open")

            let before = try await app.snapshot()
            let refusals: [(String, String?, HTTPResponse.Status)] = [
                ("/v1/cases/\(caseID)/resolve", nil, .conflict),
                ("/v1/cases/\(caseID)/reopen", #"{"at": "2026-03-01T11:59:00Z"}"#, .unprocessableContent),
                ("/v1/cases/\(caseID)/reopen", #"{"at": "3026-01-01T00:00:00Z"}"#, .unprocessableContent),
                ("/v1/cases/\(caseID)/reopen", #"{"at": 5}"#, .badRequest),
                ("/v1/cases/case_nope/resolve", nil, .notFound),
                ("/v1/cases", #"{"account_id": "\#(id)", "subject": "x", "priority": "soon"}"#, .unprocessableContent),
                ("/v1/cases", #"{"account_id": "\#(id)", "priority": "low"}"#, .unprocessableContent),
                ("/v1/cases", #"{"account_id": "acc_nope", "subject": "x", "priority": "low"}"#, .unprocessableContent),
                (
                    "/v1/cases", #"{"account_id": "\#(id)", "subject": "x", "priority": "low", "opened_at": "2999-01-01T00:00:00Z"}"#,
                    .unprocessableContent
                ),
                ("/v1/cases", #"{"account_id": "\#(id)", "subject": "x", "priority": "low", "external_id": "zd-1"}"#, .conflict),
                ("/v1/cases", #"{"account_id": "\#(id)", "subject": "x", "priority": "low", "contact_id": "con_nope"}"#, .unprocessableContent),
            ]
            for (path, body, status) in refusals {
                let reply = try await app.send(.post, path, body)
                #expect(reply.status == status, "\(path) \(body ?? ""): \(reply.text)")
            }
            #expect(try await app.snapshot() == before)

            try await Drift.post(app, "/v1/cases/\(caseID)/reopen", #"{"at": "2026-03-02T09:00:00Z"}"#)
            #expect(try await app.send(.get, "/v1/cases?status=open").data.map { $0["id"] as? String } == [caseID])
            #expect(try await app.send(.get, "/v1/cases?breached=true&account_id=\(id)").data.count == 1)
            #expect(try await app.send(.get, "/v1/cases?status=resolved&as_of=2026-03-01T13:00:00Z").data.count == 1)
            #expect(try await app.send(.get, "/v1/cases?status=closed").status == .badRequest)
        }
    }

    @Test func surveysCheckTheirScaleAndContact() async throws {
        try await TestApp.run { app in
            let id = try await app.createAccount("Surveys")
            let other = try await app.createAccount("Other")
            let stranger = try await Drift.contact(app, other, "Sam", title: "CEO", strength: "strong")
            let created = try await app.send(.post, "/v1/surveys", #"{"account_id": "\#(id)", "kind": "nps", "score": 10, "comment": "great"}"#)
            #expect(created.status == .created && created.json["score"] as? Int == 10)
            let before = try await app.snapshot()
            for body in [
                #"{"account_id": "\#(id)", "kind": "nps", "score": 11}"#, #"{"account_id": "\#(id)", "kind": "csat", "score": 0}"#,
                #"{"account_id": "\#(id)", "kind": "ces", "score": 3}"#, #"{"account_id": "\#(id)", "kind": "nps"}"#,
                #"{"account_id": "\#(id)", "kind": "nps", "score": 5, "contact_id": "\#(stranger)"}"#,
                #"{"account_id": "\#(id)", "kind": "nps", "score": 5, "responded_at": "2999-01-01T00:00:00Z"}"#,
            ] {
                #expect(try await app.send(.post, "/v1/surveys", body).status == .unprocessableContent, "\(body)")
            }
            #expect(try await app.send(.post, "/v1/surveys", #"{"account_id": "\#(id)", "kind": "nps", "score": 9.5}"#).status == .badRequest)
            #expect(try await app.snapshot() == before)
            #expect(try await app.send(.get, "/v1/surveys?account_id=\(id)&kind=nps").data.count == 1)
        }
    }

    @Test func settingsAreReplacedWholeByAdminsAndCheckedFirst() async throws {
        try await TestApp.run { app in
            let health = try await app.send(.get, "/v1/settings/health", key: TestApp.readKey).json
            #expect(health["weights"] as? [String: Double] == ["adoption": 30, "relationships": 25, "support": 15, "sentiment": 15, "billing": 15])
            #expect(health["bands"] as? [String: Double] == ["green": 70, "yellow": 40])
            #expect(health["renewal_window_days"] as? Int == 90 && health["adoption_drop"] as? Double == 0.25)
            let support = try await app.send(.get, "/v1/settings/support").json
            #expect(support["first_response_hours"] as? [String: Double] == ["urgent": 1, "high": 4, "normal": 8, "low": 24])

            let valid =
                #"{"weights": {"adoption": 40, "relationships": 20, "support": 10, "sentiment": 10, "billing": 20}, "bands": {"green": 75, "yellow": 45}, "#
                + #""renewal_window_days": 60, "exec_silence_days": 20, "user_silence_days": 30, "champion_adoption": 0.6, "adoption_drop": 0.3}"#
            #expect(try await app.send(.put, "/v1/settings/health", valid, key: TestApp.writeKey).status == .forbidden)
            let before = try await app.snapshot()
            for bad in [
                valid.replacingOccurrences(of: #""adoption": 40"#, with: #""adoption": -1"#),
                valid.replacingOccurrences(of: #""green": 75"#, with: #""green": 45"#),
                valid.replacingOccurrences(of: #""yellow": 45"#, with: #""yellow": 101"#),
                #"{"weights": {"adoption": 0, "relationships": 0, "support": 0, "sentiment": 0, "billing": 0}, "bands": {"green": 70, "yellow": 40}, "renewal_window_days": 90, "exec_silence_days": 15, "user_silence_days": 30, "champion_adoption": 0.7, "adoption_drop": 0.25}"#,
                #"{"bands": {"green": 70, "yellow": 40}}"#,
            ] {
                #expect(try await app.send(.put, "/v1/settings/health", bad).status == .unprocessableContent, "\(bad)")
            }
            #expect(
                try await app.send(.put, "/v1/settings/support", #"{"first_response_hours": {"urgent": 0, "high": 4, "normal": 8, "low": 24}}"#)
                    .status == .unprocessableContent
            )
            #expect(try await app.send(.put, "/v1/settings/health", "{").status == .badRequest)
            #expect(try await app.snapshot() == before)

            #expect(try await app.send(.put, "/v1/settings/health", valid).status == .ok)
            #expect(try await app.send(.get, "/v1/settings/health").json["bands"] as? [String: Double] == ["green": 75, "yellow": 45])
            let hours = #"{"first_response_hours": {"urgent": 2, "high": 4, "normal": 8, "low": 48}}"#
            #expect(
                try await app.send(.put, "/v1/settings/support", hours).json["first_response_hours"] as? [String: Double] == [
                    "urgent": 2, "high": 4, "normal": 8, "low": 48,
                ]
            )
        }
    }

    /// An enterprise customer with one strong executive: `single_threaded` until a second one appears.
    @Test func aPlaybookTaskIsCreatedOncePerOpenFlagAndAgainAfterItWasDone() async throws {
        try await TestApp.run { app in
            let id = try await Drift.customer(app, "Solo", segment: "enterprise")
            _ = try await Drift.contact(app, id, "Ann", title: "Chief Revenue Officer", strength: "strong")
            let second = try await Drift.contact(app, id, "Bob", title: "Head of Sales", strength: "medium")
            func evaluate(_ asOf: String) async throws {
                let reply = try await app.send(.post, "/v1/health/evaluate?as_of=\(asOf)")
                try #require(reply.status == .ok, "\(reply.text)")
            }
            func tasks() async throws -> [String] {
                try await app.send(.get, "/v1/tasks?account_id=\(id)").data.filter { $0["playbook"] as? String == "single_threaded" }
                    .map { "\($0["status"] ?? "") due \($0["due_at"] ?? "")" }
            }
            try await evaluate("2026-04-01T08:00:00Z")
            try await evaluate("2026-04-01T09:00:00Z")
            try await evaluate("2026-04-02")
            #expect(try await tasks() == ["open due 2026-04-08T08:00:00Z"], "once, due 7 days after the evaluation that raised it")
            let risks = try await app.send(.get, "/v1/risks?code=single_threaded").data
            #expect(risks.map { $0["since"] as? String } == ["2026-04-01T08:00:00Z"])
            #expect(risks.first?["severity"] as? String == "medium" && risks.first?["account_name"] as? String == "Solo")
            #expect(try await LifecycleAPITests.account(app, id)["open_flags"] as? [String] == ["single_threaded"])

            let taskID = try #require(try await app.send(.get, "/v1/tasks?account_id=\(id)&status=open").data.first?["id"] as? String)
            let done = try await app.send(.patch, "/v1/tasks/\(taskID)", #"{"status": "done"}"#, key: TestApp.writeKey)
            #expect(done.status == .ok && done.json["completed_at"] is String)
            #expect(try await app.send(.patch, "/v1/tasks/\(taskID)", #"{"status": "finished"}"#).status == .unprocessableContent)
            #expect(try await app.send(.patch, "/v1/tasks/tsk_nope", #"{"status": "done"}"#).status == .notFound)

            // The condition ends: the flag closes on the next evaluation; it re-opens later with a new task.
            try await app.send(.patch, "/v1/contacts/\(second)", #"{"relationship_strength": "strong"}"#)
            try await evaluate("2026-04-03")
            #expect(try await app.send(.get, "/v1/risks?code=single_threaded").data.isEmpty)
            #expect(try await app.send(.get, "/v1/risks?code=single_threaded&as_of=2026-04-02T12:00:00Z").data.count == 1)
            try await app.send(.patch, "/v1/contacts/\(second)", #"{"relationship_strength": "weak"}"#)
            try await evaluate("2026-04-05")
            #expect(try await tasks() == ["done due 2026-04-08T08:00:00Z", "open due 2026-04-12T00:00:00Z"])
            let timeline = try await app.send(.get, "/v1/accounts/\(id)/timeline?limit=500").data.compactMap { $0["kind"] as? String }
            #expect(Set(["flag_raised", "flag_closed", "task"]).isSubset(of: Set(timeline)))
        }
    }

    /// Renewal silence, single threading and a champion gap all close once executives and a champion are in place.
    @Test func relationshipFlagsCloseWhenTheRelationshipsArrive() async throws {
        try await TestApp.run { app in
            let id = try await Drift.customer(app, "Thin")
            try await Drift.post(
                app,
                "/v1/contracts",
                #"{"account_id": "\#(id)", "start_date": "2026-01-10", "end_date": "2026-06-30", "billing_interval": "year", "recurring_amount": 12000, "currency": "usd"}"#
            )
            let usage = (1...30).map {
                #"{"account_id": "\#(id)", "date": "2026-04-\#(String(format: "%02d", $0))", "active_users": 9, "licensed_seats": 10}"#
            }
            try await Drift.post(app, "/v1/usage", #"{"records": [\#(usage.joined(separator: ","))]}"#)
            func codes(_ asOf: String) async throws -> Set<String> {
                Set(try await app.send(.get, "/v1/risks?account_id=\(id)&as_of=\(asOf)").data.compactMap { $0["code"] as? String })
            }
            try await Drift.post(app, "/v1/health/evaluate?as_of=2026-05-01", "")
            #expect(try await codes("2026-05-01").isSuperset(of: ["renewal_exec_silence", "single_threaded", "champion_gap"]))
            #expect(try await app.send(.get, "/v1/accounts/\(id)/health?as_of=2026-05-01").json["flags"] as? [[String: Any]] != nil)

            let executive = try await Drift.contact(app, id, "Cleo", title: "CFO", strength: "very_strong")
            _ = try await Drift.contact(app, id, "Uri", title: "Analyst", strength: "strong")
            try await Drift.post(
                app,
                "/v1/activities",
                #"{"account_id": "\#(id)", "type": "meeting", "contact_id": "\#(executive)", "occurred_at": "2026-05-01T12:00:00Z"}"#
            )
            try await Drift.post(app, "/v1/health/evaluate?as_of=2026-05-02", "")
            #expect(try await codes("2026-05-02").isDisjoint(with: ["renewal_exec_silence", "single_threaded", "champion_gap"]))
            #expect(try await codes("2026-05-01T18:00:00Z").contains("champion_gap"), "open until the evaluation that no longer raised it")
        }
    }

    /// A failed invoice makes the account red and raises payment_failed; the next successful payment closes both.
    @Test func billingFlagsCloseOnceTheCustomerPaysAgain() async throws {
        try await TestApp.run { app in
            let id = try await Drift.customer(app, "Late")
            let failed = StripeFixture.invoice("in_late", customer: "cus_Late", paid: 0, due: 100000)
            try await app.stripe(StripeFixture.event("evt_late_failed", "invoice.payment_failed", created: "2026-05-20T00:00:00Z", failed))
            func codes(_ asOf: String) async throws -> [String] {
                try await app.send(.get, "/v1/risks?account_id=\(id)&as_of=\(asOf)").data.compactMap { $0["code"] as? String }
            }
            try await Drift.post(app, "/v1/health/evaluate?as_of=2026-05-21", "")
            // Relationships 0, support 100, billing 20 over 25 + 15 + 15: 1800 ÷ 55 = 32.7 → 33, red.
            #expect(try await codes("2026-05-21") == ["single_threaded", "payment_failed", "health_red"])
            let paid = StripeFixture.invoice("in_late_retry", customer: "cus_Late", paid: 100000)
            try await app.stripe(StripeFixture.event("evt_late_paid", "invoice.paid", created: "2026-05-21T12:00:00Z", paid))
            try await Drift.post(app, "/v1/health/evaluate?as_of=2026-05-22", "")
            #expect(try await codes("2026-05-22") == ["single_threaded"])
            #expect(
                try await app.send(.get, "/v1/accounts/\(id)/health/history?from=2026-05-21&to=2026-05-23").data.map { $0["band"] as? String } == [
                    "red", "yellow",
                ]
            )
        }
    }

    @Test func healthOnTheFlyExplainsEachComponentAndAccountsCarryTheStoredScore() async throws {
        try await TestApp.run { app in
            let id = try await Drift.customer(app, "Explained")
            let prospect = try await app.createAccount("Prospect")
            let unscored = try await app.send(.get, "/v1/accounts/\(prospect)/health").json
            #expect(unscored["score"] is NSNull && unscored["band"] as? String == "unscored" && unscored["lifecycle_stage"] as? String == "prospect")
            #expect(try await app.send(.get, "/v1/accounts/acc_nope/health").status == .notFound)
            #expect(try await app.send(.get, "/v1/accounts/\(id)/health?as_of=2999-01-01").status == .unprocessableContent)

            let health = try await app.send(.get, "/v1/accounts/\(id)/health?as_of=2026-05-01").json
            let components = try #require(health["components"] as? [[String: Any]])
            #expect(components.map { $0["name"] as? String ?? "" } == ["adoption", "relationships", "support", "sentiment", "billing"])
            #expect(components.map { $0["weight"] as? Double ?? 0 } == [30, 25, 15, 15, 15])
            #expect(components[0]["score"] is NSNull && components[3]["score"] is NSNull, "no usage, no surveys")
            // Relationships 0, support 100, billing 100 over weights 25 + 15 + 15: 3000 ÷ 55 = 54.5 → 55.
            #expect(health["score"] as? Int == 55 && health["band"] as? String == "yellow")
            #expect(health["trend_30d"] is NSNull)
            #expect((components[2]["inputs"] as? [String: Any])?["open_cases"] as? Double == 0)
            #expect(try await app.snapshot().allSatisfy { !$0.hasPrefix("health_scores") }, "computing on the fly stores nothing")

            #expect(try await app.send(.post, "/v1/health/evaluate", key: TestApp.writeKey).status == .forbidden)
            #expect(try await app.send(.post, "/v1/health/evaluate?as_of=2999-01-01").status == .unprocessableContent)
            let run = try await app.send(.post, "/v1/health/evaluate?as_of=2026-05-01").json
            #expect(run["evaluated"] as? Int == 1 && run["scored"] as? Int == 1)
            let account = try await LifecycleAPITests.account(app, id)
            let summary = account["health"] as? [String: Any]
            #expect(summary?["score"] as? Int == 55 && summary?["band"] as? String == "yellow")
            #expect(
                try await LifecycleAPITests.account(app, prospect)["health"] as? [String: AnyHashable] == ["score": NSNull(), "band": "unscored"]
            )
            #expect(try await app.send(.get, "/v1/customers?band=yellow").data.map { $0["id"] as? String } == [id])
            #expect(try await app.send(.get, "/v1/customers?band=red").data.isEmpty)
            #expect(try await app.send(.get, "/v1/customers?band=purple").status == .badRequest)

            let listed = try await app.send(.get, "/v1/health?sort=-score").data
            #expect(
                listed.map { "\($0["account_id"] ?? "") \($0["score"] ?? "") \($0["band"] ?? "") \($0["mrr"] ?? "")" } == ["\(id) 55 yellow 100000"]
            )
            #expect(try await app.send(.get, "/v1/health?as_of=2026-04-30").data.first?["band"] as? String == "unscored", "evaluated later")
            #expect(try await app.send(.get, "/v1/health?sort=name").status == .badRequest)
        }
    }

    @Test func healthListsSortByScoreAcrossPages() async throws {
        try await TestApp.run { app in
            var ids: [String] = []
            for (index, strength) in ["none", "strong", "none", "strong", "none"].enumerated() {
                let id = try await Drift.customer(app, "Sorted\(index)")
                _ = try await Drift.contact(app, id, "Exec \(index)", title: "CEO", strength: strength)
                ids.append(id)
            }
            try await Drift.post(app, "/v1/health/evaluate?as_of=2026-05-01", "")
            var scores: [Int] = []
            var cursor: String?
            repeat {
                let reply = try await app.send(.get, "/v1/health?sort=score&limit=2" + (cursor.map { "&cursor=\($0)" } ?? ""))
                scores += reply.data.compactMap { $0["score"] as? Int }
                cursor = reply.json["next_cursor"] as? String
            } while cursor != nil
            #expect(scores.count == 5 && scores == scores.sorted() && Set(scores).count == 2)
        }
    }

    @Test func supportMetricsThroughTheAPI() async throws {
        try await TestApp.run { app in
            let id = try await app.createAccount("Support")
            let first = try await app.send(
                .post,
                "/v1/cases",
                #"{"account_id": "\#(id)", "subject": "a", "priority": "normal", "opened_at": "2026-03-02T09:00:00Z"}"#
            )
            let caseID = first.json["id"] as? String ?? ""
            try await Drift.post(app, "/v1/cases/\(caseID)/respond", #"{"at": "2026-03-02T11:00:00Z"}"#)
            try await Drift.post(app, "/v1/cases/\(caseID)/resolve", #"{"at": "2026-03-02T14:00:00Z"}"#)
            try await Drift.post(
                app,
                "/v1/cases",
                #"{"account_id": "\#(id)", "subject": "b", "priority": "low", "opened_at": "2026-03-05T00:00:00Z"}"#
            )
            let metrics = try await app.send(.get, "/v1/metrics/support?from=2026-03-01&to=2026-03-10").json
            #expect(metrics["cases_opened"] as? Int == 2 && metrics["cases_resolved"] as? Int == 1 && metrics["resolved_same_day"] as? Int == 1)
            #expect(metrics["avg_first_response_hours"] as? Double == 2 && metrics["avg_resolution_hours"] as? Double == 5)
            #expect(metrics["sla_compliance_rate"] as? Double == 0.5, "the low case is past its 24 h target unanswered")
            #expect(metrics["as_of"] as? String == "2026-03-10T00:00:00Z")
            #expect(try await app.send(.get, "/v1/metrics/support?from=2026-03-10&to=2026-03-01").status == .unprocessableContent)
            // A case opened before a window counts in it through its resolution there, and only through that.
            let later = try await app.send(.get, "/v1/metrics/support?from=2026-03-03&to=2026-03-10").json
            #expect(later["cases_opened"] as? Int == 1 && later["cases_resolved"] as? Int == 0)
            let old = try await app.send(
                .post,
                "/v1/cases",
                #"{"account_id": "\#(id)", "subject": "c", "priority": "high", "opened_at": "2026-02-20T00:00:00Z"}"#
            )
            try await Drift.post(app, "/v1/cases/\(old.json["id"] as? String ?? "")/resolve", #"{"at": "2026-03-06T00:00:00Z"}"#)
            let withOld = try await app.send(.get, "/v1/metrics/support?from=2026-03-03&to=2026-03-10").json
            #expect(
                withOld["cases_opened"] as? Int == 1 && withOld["cases_resolved"] as? Int == 1 && withOld["avg_resolution_hours"] as? Double == 336
            )
        }
    }

    @Test func theServerEvaluatesOnStartWhenTodayHasNoEvaluation() async throws {
        var arguments = TestArguments()
        // Late in a UTC day on the server's clock, which the evaluation's date must follow (not the wall clock's).
        let now = try #require(Timestamp.parseInstant("2026-07-14T23:59:30Z"))
        arguments.clock = Clock { now }
        let id = try await TestApp.run(arguments: arguments) { app in try await Drift.customer(app, "Daily") }
        arguments.dailyEvaluation = true
        let dates = try await TestApp.run(arguments: arguments, withKeys: false) { app in
            for _ in 0..<100 {
                let rows = try await app.send(.get, "/v1/accounts/\(id)/health/history").data
                if !rows.isEmpty { return rows.map { $0["date"] as? String ?? "" } }
                try await Task.sleep(for: .milliseconds(50))
            }
            return []
        }
        #expect(dates == ["2026-07-14"])
    }
}
