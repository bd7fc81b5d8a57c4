import Foundation
import HTTPTypes
import TenureTestSupport
import Testing

/// INSIGHTS.md, "Growth signals, playbooks, tasks": the company's own playbooks and manual tasks, with every refusal
/// changing nothing.
@Suite(.temporaryFolder) struct PlaybookTests {
    typealias Drift = HealthDriftTests

    static func evaluate(_ app: TestApp, _ asOf: String) async throws {
        let reply = try await app.send(.post, "/v1/health/evaluate?as_of=\(asOf)")
        try #require(reply.status == .ok, "\(reply.text)")
    }

    static func playbooks(_ app: TestApp) async throws -> [String: [String: Any]] {
        let list = try await app.send(.get, "/v1/settings/playbooks").json["playbooks"] as? [[String: Any]] ?? []
        return Dictionary(uniqueKeysWithValues: list.map { ($0["flag"] as? String ?? "", $0) })
    }

    @Test func aCustomPlaybookWritesTheFlagsTask_aDisabledOneNone_andALeftOutCodeFollowsItsBuiltInOneAgain() async throws {
        try await TestApp.run { app in
            let put = try await app.send(
                .put,
                "/v1/settings/playbooks",
                #"""
                {"playbooks": [
                    {"flag": "single_threaded", "title": "Find a second sponsor", "due_in_days": 3, "assignee": " lee "},
                    {"flag": "champion_gap", "enabled": false}
                ]}
                """#
            )
            #expect(put.status == .ok, "\(put.text)")
            let listed = try await Self.playbooks(app)
            #expect(listed.count == 9, "every flag's playbook, growth signals' too")
            #expect(listed["expansion_seats"]?["enabled"] as? Bool == false)
            #expect(listed["single_threaded"]?["title"] as? String == "Find a second sponsor")
            #expect(listed["single_threaded"]?["assignee"] as? String == "lee" && listed["single_threaded"]?["custom"] as? Bool == true)
            #expect(listed["champion_gap"]?["title"] as? String == "Turn engaged users into champions", "left out: the built-in title")
            #expect(listed["champion_gap"]?["enabled"] as? Bool == false && listed["champion_gap"]?["due_in_days"] as? Int == 7)
            #expect(listed["adoption_emergency"]?["custom"] as? Bool == false && listed["adoption_emergency"]?["due_in_days"] as? Int == 1)
            #expect(listed["adoption_emergency"]?["assignee"] as? String == "account_owner")

            let id = try await Drift.customer(app, "Sponsor", segment: "enterprise", owner: "kim")
            try await Self.evaluate(app, "2026-04-01T08:00:00Z")
            let tasks = try await app.send(.get, "/v1/tasks?account_id=\(id)").data
            let task = try #require(tasks.first { $0["playbook"] as? String == "single_threaded" })
            #expect(task["title"] as? String == "Find a second sponsor" && task["owner"] as? String == "lee")
            #expect(task["due_at"] as? String == "2026-04-04T08:00:00Z" && task["flag_id"] is String)

            // Written whole: without single_threaded it follows its built-in playbook again (for the account's owner).
            let again = try await app.send(.put, "/v1/settings/playbooks", #"{"playbooks": [{"flag": "single_threaded", "enabled": false}]}"#)
            #expect(again.status == .ok)
            #expect(try await Self.playbooks(app)["champion_gap"]?["custom"] as? Bool == false)
            try await app.send(.patch, "/v1/tasks/\(task["id"] as? String ?? "")", #"{"status": "done"}"#)
            _ = try await Drift.customer(app, "Quiet", segment: "enterprise", owner: "kim")
            try await Self.evaluate(app, "2026-04-02")
            #expect(try await app.send(.get, "/v1/risks?code=single_threaded").data.count == 2, "the flags are raised")
            let open = try await app.send(.get, "/v1/tasks?status=open").data.filter { $0["playbook"] as? String == "single_threaded" }
            #expect(open.isEmpty, "a disabled playbook writes no task: \(open)")
            try await app.send(.put, "/v1/settings/playbooks", #"{"playbooks": []}"#)
            let later = try await Drift.customer(app, "Later", segment: "enterprise", owner: "kim")
            try await Self.evaluate(app, "2026-04-04")
            let builtIn = try await app.send(.get, "/v1/tasks?account_id=\(later)").data
            #expect(builtIn.map { $0["title"] as? String } == ["Build a second executive relationship"])
            #expect(builtIn.first?["owner"] as? String == "kim" && builtIn.first?["due_at"] as? String == "2026-04-11T00:00:00Z")
        }
    }

    @Test func badPlaybooksAreNamedByTheirPath_andChangeNothing() async throws {
        try await TestApp.run { app in
            try await app.send(.put, "/v1/settings/playbooks", #"{"playbooks": [{"flag": "health_red", "title": "Call them", "due_in_days": 0}]}"#)
            let before = try await app.send(.get, "/v1/settings/playbooks").text
            let cases: [(String, String)] = [
                (#"{"playbooks": [{"flag": "health_blue"}]}"#, "playbooks[0].flag"),
                (#"{"playbooks": [{"title": "No flag"}]}"#, "playbooks[0].flag"),
                (#"{"playbooks": [{"flag": "health_red"}, {"flag": "health_red"}]}"#, "playbooks[1].flag"),
                (#"{"playbooks": [{"flag": "health_red", "title": "  "}]}"#, "playbooks[0].title"),
                (#"{"playbooks": [{"flag": "health_red", "assignee": ""}]}"#, "playbooks[0].assignee"),
                (#"{"playbooks": [{"flag": "health_red", "due_in_days": 366}]}"#, "playbooks[0].due_in_days"),
                (#"{"playbooks": [{"flag": "health_red", "due_in_days": -1}]}"#, "playbooks[0].due_in_days"),
                (#"{"playbooks": [{"flag": "health_red", "due_in_days": "3"}]}"#, "playbooks[0].due_in_days"),
                (#"{"playbooks": [{"flag": "health_red", "enabled": "yes"}]}"#, "playbooks[0].enabled"),
                (#"{"playbooks": [{"flag": "health_red", "colour": "red"}]}"#, "playbooks[0].colour"),
                (#"{"playbooks": {"flag": "health_red"}}"#, "playbooks"),
                (#"{}"#, "playbooks"),
            ]
            for (body, field) in cases {
                let reply = try await app.send(.put, "/v1/settings/playbooks", body)
                #expect(reply.status == .unprocessableContent, "\(body): \(reply.text)")
                #expect(reply.errorFields.contains(field), "\(body): \(reply.text)")
            }
            #expect(try await app.send(.put, "/v1/settings/playbooks", "[1]").status == .badRequest)
            let forbidden = try await app.send(.put, "/v1/settings/playbooks", #"{"playbooks": []}"#, key: TestApp.writeKey)
            #expect(forbidden.status == .forbidden)
            #expect(try await app.send(.get, "/v1/settings/playbooks", key: TestApp.readKey).text == before)
        }
    }

    @Test func aManualTaskIsForTheAccountsOwnerUnlessItNamesOne_andManyMayBeOpen() async throws {
        try await TestApp.run { app in
            let account = try await app.send(.post, "/v1/accounts", #"{"name": "Heron", "owner": "nia"}"#).json["id"] as? String ?? ""
            let first = try await app.send(
                .post,
                "/v1/tasks",
                #"{"account_id": "\#(account)", "title": "Send the QBR deck", "due_at": "2026-05-01"}"#,
                key: TestApp.writeKey
            )
            #expect(first.status == .created, "\(first.text)")
            #expect(first.json["playbook"] as? String == "manual" && first.json["flag_id"] is NSNull && first.json["status"] as? String == "open")
            #expect(first.json["owner"] as? String == "nia" && first.json["due_at"] as? String == "2026-05-01T00:00:00Z")
            #expect(first.headers[.location] == "/v1/tasks/\(first.json["id"] as? String ?? "")")
            let second = try await app.send(
                .post,
                "/v1/tasks",
                #"{"account_id": "\#(account)", "title": "Book the onsite", "due_at": "2026-05-02T15:30:00Z", "owner": "omar"}"#
            )
            #expect(second.status == .created && second.json["owner"] as? String == "omar")
            let open = try await app.send(.get, "/v1/tasks?account_id=\(account)&status=open").data
            #expect(Set(open.compactMap { $0["title"] as? String }) == ["Send the QBR deck", "Book the onsite"])
            // Done and open again: manual tasks never conflict with each other.
            let id = first.json["id"] as? String ?? ""
            #expect(try await app.send(.patch, "/v1/tasks/\(id)", #"{"status": "done"}"#).status == .ok)
            #expect(try await app.send(.patch, "/v1/tasks/\(id)", #"{"status": "open"}"#).status == .ok)
            let events = try await EventLogTests.events(app, "&type=task.created")
            #expect(events.count == 2)
        }
    }

    @Test func aManualTaskWithoutATitleOrADueTimeOrAtAnUnknownAccountIsRefused_andNothingIsStored() async throws {
        try await TestApp.run { app in
            let account = try await app.send(.post, "/v1/accounts", #"{"name": "Ibis"}"#).json["id"] as? String ?? ""
            let cases: [(String, String)] = [
                (#"{"account_id": "\#(account)", "due_at": "2026-05-01"}"#, "title"),
                (#"{"account_id": "\#(account)", "title": "", "due_at": "2026-05-01"}"#, "title"),
                (#"{"account_id": "\#(account)", "title": "Call"}"#, "due_at"),
                (#"{"account_id": "\#(account)", "title": "Call", "due_at": "next week"}"#, "due_at"),
                (#"{"account_id": "\#(account)", "title": "Call", "due_at": "2026-02-30"}"#, "due_at"),
                (#"{"account_id": "acc_nope", "title": "Call", "due_at": "2026-05-01"}"#, "account_id"),
                (#"{"title": "Call", "due_at": "2026-05-01"}"#, "account_id"),
                (#"{"account_id": "\#(account)", "title": "Call", "due_at": "2026-05-01", "owner": " "}"#, "owner"),
                (#"{"account_id": "\#(account)", "title": "\#(String(repeating: "x", count: 501))", "due_at": "2026-05-01"}"#, "title"),
            ]
            for (body, field) in cases {
                let reply = try await app.send(.post, "/v1/tasks", body)
                #expect(reply.status == .unprocessableContent, "\(body): \(reply.text)")
                #expect(reply.errorFields.contains(field), "\(body): \(reply.text)")
            }
            #expect(try await app.send(.post, "/v1/tasks", #"{"account_id": 7, "title": "Call", "due_at": "2026-05-01"}"#).status.code / 100 == 4)
            #expect(try await app.send(.post, "/v1/tasks", "{").status == .badRequest)
            let read = try await app.send(
                .post,
                "/v1/tasks",
                #"{"account_id": "\#(account)", "title": "Call", "due_at": "2026-05-01"}"#,
                key: TestApp.readKey
            )
            #expect(read.status == .forbidden)
            #expect(try await app.send(.get, "/v1/tasks").data.isEmpty)
            #expect(try await EventLogTests.events(app, "&type=task.created").isEmpty)
        }
    }
}
