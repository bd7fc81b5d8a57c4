import Foundation
import HTTPTypes
import TenureServices
import TenureTestSupport
import Testing

/// EVENTS.md, "Automations": trigger → conditions → actions, runs recorded with each step, waits that re-check, dry
/// runs that change nothing, and the definitions' bad input.
@Suite(.temporaryFolder) struct AutomationTests {
    static func create(_ app: TestApp, _ body: String) async throws -> String {
        let reply = try await app.send(.post, "/v1/automations", body)
        try #require(reply.status == .created, "\(reply.text)")
        return try #require(reply.json["id"] as? String)
    }

    /// The automation's runs once `done` holds of them (at most 10 s).
    static func runs(_ app: TestApp, _ id: String, until done: ([[String: Any]]) -> Bool) async throws -> [[String: Any]] {
        var runs: [[String: Any]] = []
        for _ in 0..<600 {
            runs = try await app.send(.get, "/v1/automations/\(id)/runs").data
            if done(runs) { return runs }
            try await Task.sleep(for: .milliseconds(50))
        }
        Issue.record("runs never settled in 30 s: \(runs)")
        return runs
    }

    static func finished(_ count: Int) -> ([[String: Any]]) -> Bool {
        { runs in runs.count >= count && runs.allSatisfy { !["pending", "running"].contains($0["status"] as? String ?? "") } }
    }

    @Test func anEnterpriseWinAboveTenThousandGetsAKickoffTaskATagAndANotification_aSmallOneDoesNot() async throws {
        try await WebhookReceiver.with { receiver in
            try await TestApp.run(arguments: .delivering()) { app in
                let automation = try await Self.create(
                    app,
                    #"""
                    {"name": "Kickoff", "trigger": "opportunity.closed_won",
                     "conditions": [{"field": "data.object.amount", "op": "gte", "value": 1000000},
                                    {"field": "account.segment", "op": "eq", "value": "ENTERPRISE"}],
                     "actions": [{"type": "create_task", "title": "Kickoff call", "due_in_hours": 2},
                                 {"type": "add_tag", "tag": "kickoff"},
                                 {"type": "notify", "url": "\#(receiver.url)", "text": "Won {{data.object.name}} for {{account.name}}"}]}
                    """#
                )
                let big =
                    try await app.send(.post, "/v1/accounts", #"{"name": "Wharf Corp", "segment": "enterprise", "owner": "ana"}"#).json["id"]
                    as? String ?? ""
                let small = try await app.send(.post, "/v1/accounts", #"{"name": "Yarrow", "segment": "enterprise"}"#).json["id"] as? String ?? ""
                for (account, amount, name) in [(big, 1_500_000, "Platform"), (small, 90_000, "Starter")] {
                    let deal =
                        try await app.send(
                            .post,
                            "/v1/opportunities",
                            #"{"account_id": "\#(account)", "name": "\#(name)", "amount": \#(amount), "currency": "usd"}"#
                        ).json["id"] as? String ?? ""
                    try #require(try await app.send(.post, "/v1/opportunities/\(deal)/stage", #"{"stage": "closed_won"}"#).status == .ok)
                }
                let runs = try await Self.runs(app, automation, until: Self.finished(2))
                let byAccount = Dictionary(runs.map { ($0["account_id"] as? String ?? "", $0) }) { first, _ in first }
                let matched = try #require(byAccount[big])
                #expect(matched["status"] as? String == "completed")
                let actions = matched["actions"] as? [[String: Any]] ?? []
                #expect(actions.map { $0["status"] as? String } == ["succeeded", "succeeded", "succeeded"])
                let taskID = try #require((actions[0]["result"] as? [String: Any])?["task_id"] as? String)
                let tasks = try await app.send(.get, "/v1/tasks?automation_id=\(automation)").data
                #expect(tasks.map { $0["id"] as? String } == [taskID])
                #expect(tasks.first?["owner"] as? String == "ana")
                #expect(tasks.first?["playbook"] as? String == "automation")
                #expect(try await app.send(.get, "/v1/accounts/\(big)").json["tags"] as? [String] == ["kickoff"])
                #expect(try await app.send(.get, "/v1/accounts?tag=KICKOFF").data.map { $0["id"] as? String } == [big])
                let notified = try await receiver.wait { $0.count >= 1 }
                #expect(notified.first?.signature == "", "a notification is unsigned")
                let note = try #require(notified.first?.json)
                #expect(note["text"] as? String == "Won Platform for Wharf Corp")
                #expect((note["tenure"] as? [String: Any])?["run_id"] as? String == matched["id"] as? String)
                let unmatched = try #require(byAccount[small])
                #expect(unmatched["status"] as? String == "not_matched")
                let conditions = unmatched["conditions"] as? [[String: Any]] ?? []
                #expect(conditions.map { $0["result"] as? Bool } == [false, true])
                #expect(conditions.first?["actual"] as? Int == 90_000)
                // Events caused by an automation name it, and start no run (no chains).
                let caused = try await EventLogTests.events(app, "&type=task.created")
                #expect((caused.first?["source"] as? [String: Any])?["kind"] as? String == "automation")
                #expect((caused.first?["source"] as? [String: Any])?["id"] as? String == matched["id"] as? String)
            }
        }
    }

    @Test func aWaitSleepsDurablyThenStopsTheRunWhenItsCheckFails_orGoesOnWhenItHolds() async throws {
        try await TestApp.run(arguments: .delivering()) { app in
            // 10 hours × the tests' 0.0001 scale: 3.6 s, long enough to pay before the check on a loaded machine.
            let automation = try await Self.create(
                app,
                #"""
                {"name": "Chase", "trigger": "opportunity.closed_won",
                 "actions": [{"type": "wait", "hours": 10, "conditions": [{"field": "account.lifecycle_stage", "op": "eq", "value": "pending_payment"}]},
                             {"type": "create_task", "title": "Chase the first payment"}]}
                """#
            )
            let (paying, payingDeal) = try await LifecycleAPITests.prospect(app, "Zephyr")
            let (silent, silentDeal) = try await LifecycleAPITests.prospect(app, "Azalea")
            try await LifecycleAPITests.win(app, payingDeal, at: "2026-02-01T00:00:00Z")
            // Paid during the wait (which ends 3.6 s after the win), so the check at its end fails.
            try await app.send(
                .post,
                "/v1/payments",
                #"{"account_id": "\#(paying)", "amount": 500, "currency": "usd", "paid_at": "2026-02-02T00:00:00Z", "reference": "w"}"#
            )
            try await LifecycleAPITests.win(app, silentDeal, at: "2026-02-01T00:00:00Z")
            let waiting = try await Self.runs(app, automation) { $0.contains { $0["status"] as? String == "waiting" } }
            #expect(waiting.contains { $0["status"] as? String == "waiting" && $0["resume_at"] as? String != nil })
            let runs = try await Self.runs(app, automation) { runs in
                runs.allSatisfy { ["stopped", "completed"].contains($0["status"] as? String ?? "") }
            }
            let byAccount = Dictionary(runs.map { ($0["account_id"] as? String ?? "", $0) }) { first, _ in first }
            #expect(byAccount[paying]?["status"] as? String == "stopped")
            #expect((byAccount[paying]?["actions"] as? [[String: Any]])?.map { $0["status"] as? String } == ["not_matched", "skipped"])
            #expect(byAccount[silent]?["status"] as? String == "completed")
            #expect(try await app.send(.get, "/v1/tasks?automation_id=\(automation)").data.map { $0["account_id"] as? String } == [silent])
        }
    }

    @Test func setFieldChangesTheAccountAsAPatchWould_andAFailingActionFailsTheRunLeavingTheRestUndone() async throws {
        try await TestApp.run(arguments: .delivering()) { app in
            let automation = try await Self.create(
                app,
                #"""
                {"name": "Route", "trigger": "account.created", "conditions": [{"field": "data.object.domain", "op": "exists", "value": true}],
                 "actions": [{"type": "set_field", "field": "owner", "value": "router"}, {"type": "set_field", "field": "segment", "value": "mid_market"}]}
                """#
            )
            let account = try await app.createAccount("Birch", domain: "birch.example")
            let runs = try await Self.runs(app, automation, until: Self.finished(1))
            #expect(runs.first?["status"] as? String == "completed")
            let result = (runs.first?["actions"] as? [[String: Any]])?.first?["result"] as? [String: Any]
            #expect(result?["field"] as? String == "owner")
            #expect(result?["previous"] is NSNull)
            #expect(result?["value"] as? String == "router")
            let now = try await app.send(.get, "/v1/accounts/\(account)").json
            #expect(now["owner"] as? String == "router")
            #expect(now["segment"] as? String == "mid_market")
            let updates = try await EventLogTests.events(app, "&type=account.updated&account_id=\(account)")
            #expect(updates.count == 2)
            // A second account without a domain: not matched.
            _ = try await app.createAccount("Cedar")
            let both = try await Self.runs(app, automation, until: Self.finished(2))
            #expect(both.map { $0["status"] as? String }.sorted { ($0 ?? "") < ($1 ?? "") } == ["completed", "not_matched"])
            // An account already holding 20 tags cannot take another: the run fails there and goes no further.
            let overflow = try await Self.create(
                app,
                #"""
                {"name": "Overflow", "trigger": "account.created", "conditions": [{"field": "account.name", "op": "eq", "value": "full"}],
                 "actions": [{"type": "add_tag", "tag": "one-more"}, {"type": "set_field", "field": "owner", "value": "never"}]}
                """#
            )
            let tags = (1...20).map { "\"t\($0)\"" }.joined(separator: ", ")
            let full = try await app.send(.post, "/v1/accounts", #"{"name": "Full", "tags": [\#(tags)]}"#).json["id"] as? String ?? ""
            let failed = try await Self.runs(app, overflow, until: Self.finished(1))
            #expect(failed.first?["status"] as? String == "failed")
            let actions = failed.first?["actions"] as? [[String: Any]] ?? []
            #expect(actions.map { $0["status"] as? String } == ["failed", "skipped"])
            #expect((actions.first?["error"] as? String ?? "").contains("tags"))
            let unchanged = try await app.send(.get, "/v1/accounts/\(full)").json
            #expect((unchanged["tags"] as? [String])?.count == 20)
            #expect(unchanged["owner"] is NSNull)
            // Tags are checked on the API too.
            let tooMany = try await app.send(.patch, "/v1/accounts/\(full)", #"{"tags": [\#(tags), "t21"]}"#)
            #expect(tooMany.status == .unprocessableContent)
            #expect(tooMany.errorFields == ["tags"])
        }
    }

    @Test func aDryRunShowsWhatWouldHappenAndChangesNothing() async throws {
        try await TestApp.run { app in
            let account = try await app.createAccount("Dune", domain: "dune.example")
            let event = try #require(try await EventLogTests.events(app).first?["id"] as? String)
            let definition = #"""
                {"name": "Tag", "trigger": "account.created", "conditions": [{"field": "account.name", "op": "contains", "value": "DUN"}],
                 "actions": [{"type": "add_tag", "tag": "dry"}]}
                """#
            let before = try await app.snapshot()
            let dry = try await app.send(.post, "/v1/automations/dry-run", #"{"automation": \#(definition), "event_id": "\#(event)"}"#)
            #expect(dry.status == .ok, "\(dry.text)")
            #expect(dry.json["trigger_matched"] as? Bool == true)
            #expect(dry.json["matched"] as? Bool == true)
            #expect(((dry.json["conditions"] as? [[String: Any]])?.first?["actual"] as? String) == "Dune")
            #expect(try await app.snapshot() == before, "a dry run stores nothing")
            let id = try await Self.create(app, definition)
            let other = try await app.send(.post, "/v1/automations/\(id)/dry-run", #"{"event_id": "evt_nope"}"#)
            #expect(other.status == .unprocessableContent)
            #expect(other.errorFields == ["event_id"])
            let mismatch = try await app.send(
                .post,
                "/v1/automations/dry-run",
                #"{"automation": {"name": "x", "trigger": "account.updated", "actions": [{"type": "add_tag", "tag": "t"}]}, "event_id": "\#(event)"}"#
            )
            #expect(mismatch.json["trigger_matched"] as? Bool == false)
            #expect(mismatch.json["matched"] as? Bool == false)
            #expect(try await app.send(.get, "/v1/accounts/\(account)").json["tags"] as? [String] == [])
        }
    }

    @Test func disablingOrDeletingAnAutomationCancelsItsWaitingRuns_andOlderEventsNeverStartOne() async throws {
        try await TestApp.run(arguments: .delivering()) { app in
            _ = try await app.createAccount("Early")
            let automation = try await Self.create(
                app,
                #"{"name": "Slow", "trigger": "account.created", "actions": [{"type": "wait", "hours": 720}, {"type": "add_tag", "tag": "late"}]}"#
            )
            _ = try await app.createAccount("Later")
            let waiting = try await Self.runs(app, automation) { $0.count == 1 && $0.first?["status"] as? String == "waiting" }
            #expect(waiting.count == 1, "the account created before the automation starts no run")
            let disabled = try await app.send(
                .patch,
                "/v1/automations/\(automation)",
                #"{"name": "Slow", "trigger": "account.created", "status": "disabled", "actions": [{"type": "wait", "hours": 720}, {"type": "add_tag", "tag": "late"}]}"#
            )
            #expect(disabled.json["status"] as? String == "disabled")
            let runs = try await app.send(.get, "/v1/automations/\(automation)/runs").data
            #expect(runs.first?["status"] as? String == "canceled")
            #expect(try await app.send(.delete, "/v1/automations/\(automation)").status == .ok)
            #expect(try await app.send(.get, "/v1/automations/\(automation)").status == .notFound)
            #expect(try await app.send(.get, "/v1/automations/aut_unknown/runs").status == .notFound)
        }
    }

    @Test func badDefinitionsAreRefusedNamingThePath_andNothingIsStored() async throws {
        try await TestApp.run(arguments: .refusingPrivateTargets) { app in
            let before = try await app.snapshot()
            let task = #"{"type": "create_task", "title": "t"}"#
            let cases: [(String, String)] = [
                (#"{"trigger": "account.created", "actions": [\#(task)]}"#, "name"),
                (#"{"name": "n", "actions": [\#(task)]}"#, "trigger"),
                (#"{"name": "n", "trigger": "account.exploded", "actions": [\#(task)]}"#, "trigger"),
                (#"{"name": "n", "trigger": "account.created"}"#, "actions"),
                (#"{"name": "n", "trigger": "account.created", "actions": []}"#, "actions"),
                (#"{"name": "n", "trigger": "account.created", "actions": [\#(task), {"type": "explode"}]}"#, "actions[1].type"),
                (#"{"name": "n", "trigger": "account.created", "actions": [{"type": "create_task"}]}"#, "actions[0].title"),
                (
                    #"{"name": "n", "trigger": "account.created", "actions": [{"type": "create_task", "title": "t", "due_in_hours": 0}]}"#,
                    "actions[0].due_in_hours"
                ),
                (#"{"name": "n", "trigger": "account.created", "actions": [{"type": "wait", "hours": 721}]}"#, "actions[0].hours"),
                (
                    #"{"name": "n", "trigger": "account.created", "actions": [{"type": "set_field", "field": "name", "value": "x"}]}"#,
                    "actions[0].field"
                ),
                (
                    #"{"name": "n", "trigger": "account.created", "actions": [{"type": "set_field", "field": "segment", "value": "huge"}]}"#,
                    "actions[0].value"
                ),
                (
                    #"{"name": "n", "trigger": "account.created", "actions": [{"type": "notify", "url": "http://10.0.0.1/x", "text": "t"}]}"#,
                    "actions[0].url"
                ),
                (
                    #"{"name": "n", "trigger": "account.created", "conditions": [{"field": "data.x", "op": "like", "value": 1}], "actions": [\#(task)]}"#,
                    "conditions[0].op"
                ),
                (
                    #"{"name": "n", "trigger": "account.created", "conditions": [{"field": "customer.x", "op": "eq", "value": 1}], "actions": [\#(task)]}"#,
                    "conditions[0].field"
                ),
                (
                    #"{"name": "n", "trigger": "account.created", "conditions": [{"field": "data.x", "op": "in", "value": 1}], "actions": [\#(task)]}"#,
                    "conditions[0].value"
                ),
                (
                    #"{"name": "n", "trigger": "account.created", "conditions": [{"field": "data.x", "op": "eq"}], "actions": [\#(task)]}"#,
                    "conditions[0].value"
                ),
                (#"{"name": "n", "trigger": "account.created", "status": "paused", "actions": [\#(task)]}"#, "status"),
            ]
            for (body, field) in cases {
                let reply = try await app.send(.post, "/v1/automations", body)
                #expect(reply.status == .unprocessableContent, "\(body): \(reply.text)")
                #expect(reply.errorFields.contains(field), "\(body): \(reply.errorFields)")
            }
            #expect(try await app.send(.post, "/v1/automations", "[1]").status == .badRequest)
            #expect(try await app.snapshot() == before)
            #expect(try await app.send(.get, "/v1/automations", key: TestApp.writeKey).status == .forbidden)
        }
    }
}
