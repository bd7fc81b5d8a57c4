import Foundation
import HTTPTypes
import TenureCore
import Testing

/// PRIVACY.md meets LEADS.md: a lead is personal data. Subject access lists it, erasure redacts it (and the follow-up
/// task that names it), `leads_days` expires it, and a key restricted to an owner is refused leads.
@Suite(.temporaryFolder) struct LeadPrivacyTests {
    @Test func subjectAccessListsLeads_andErasureRedactsThemAndTheirTasks() async throws {
        try await TestApp.run { app in
            #expect(
                try await app.send(.put, "/v1/settings/lead-routing", #"{"rules": [], "fallback": {"owner": "desk@seller.example"}}"#).status == .ok
            )
            let lead = try await LeadTests.lead(app, #""name": "Quinn Abara", "email": "quinn@marrow.example", "title": "Head of Data""#)
            let id = try #require(lead["id"] as? String)
            try await LeadTests.engage(app, #"{"type": "form_submitted", "email": "quinn@marrow.example", "occurred_at": "2026-11-20T10:00:00Z"}"#)
            let access = try await app.send(.get, "/v1/privacy/subjects?email=quinn%40marrow.example")
            #expect(access.status == .ok, "\(access.text)")
            #expect(((access.json["leads"] as? [[String: Any]]) ?? []).compactMap { $0["id"] as? String } == [id])
            // The lead's event, read before the erasure, holds its name; afterwards no event does.
            let events = try await app.send(.get, "/v1/events?type=lead.created")
            #expect(events.text.contains("Quinn Abara"))
            let erased = try await app.send(.post, "/v1/privacy/erasures", #"{"email": "quinn@marrow.example"}"#)
            #expect(erased.status == .ok || erased.status == .created, "\(erased.text)")
            #expect((erased.json["counts"] as? [String: Any])?["leads"] as? Int == 1)
            let after = try await app.send(.get, "/v1/leads/\(id)")
            #expect(after.json["name"] as? String != "Quinn Abara")
            #expect(after.json["email"] as? String == "")
            #expect(!after.text.contains("quinn@marrow.example"))
            let task = try await app.send(.get, "/v1/tasks?lead_id=\(id)")
            #expect(!task.text.contains("Quinn"), "\(task.text)")
            #expect(!(try await app.send(.get, "/v1/events?type=lead.created")).text.contains("Quinn"))
            #expect(!(try await app.send(.get, "/v1/events?type=task.created")).text.contains("Quinn"))
            #expect(try await app.send(.patch, "/v1/leads/\(id)", #"{"name": "Quinn"}"#, key: TestApp.writeKey).status == .conflict)
            #expect(try await app.send(.post, "/v1/leads/\(id)/convert", key: TestApp.writeKey).status == .conflict)
            let again = try await app.send(.get, "/v1/privacy/subjects?email=quinn%40marrow.example")
            #expect((again.json["leads"] as? [[String: Any]])?.isEmpty == true)
            // A new sign-up makes a new lead with the same email.
            try await LeadTests.lead(app, #""name": "Quinn Abara", "email": "quinn@marrow.example""#)
        }
    }

    @Test func leadsDaysExpiresLeadsNotConverted_exactlyAfterTheirLatestRecord() async throws {
        let time = EventLogTests.SettableClock("2026-03-01T00:00:00Z")
        var arguments = TestArguments()
        arguments.clock = time.clock
        try await TestApp.run(arguments: arguments) { app in
            let stale = try #require(try await LeadTests.lead(app, #""name": "Stale", "email": "stale@old.example""#)["id"] as? String)
            time.set("2026-03-05T00:00:00Z")
            try await LeadTests.engage(app, #"{"type": "page_view", "lead_id": "\#(stale)", "url": "/pricing"}"#)
            let converted = try #require(try await LeadTests.lead(app, #""name": "Kept", "email": "kept@old.example""#)["id"] as? String)
            #expect(try await app.send(.post, "/v1/leads/\(converted)/convert", key: TestApp.writeKey).status == .ok)
            #expect(try await app.send(.put, "/v1/settings/retention", #"{"leads_days": 30}"#).status == .ok)
            time.set("2026-06-01T00:00:00Z")
            // Its page view on March 5 is its latest record: exactly 30 days after, it stays; a millisecond later, it goes.
            let early = try await app.send(.post, "/v1/privacy/retention/run?as_of=2026-04-04T00:00:00Z")
            #expect(early.json["leads_deleted"] as? Int == 0, "\(early.text)")
            let run = try await app.send(.post, "/v1/privacy/retention/run?as_of=2026-04-04T00:00:00.001Z")
            #expect(run.json["leads_deleted"] as? Int == 1, "\(run.text)")
            #expect(try await app.send(.get, "/v1/leads/\(stale)").status == .notFound)
            #expect(try await app.send(.get, "/v1/engagement?lead_id=\(stale)").data.isEmpty)
            #expect(try await app.send(.get, "/v1/leads/\(converted)").status == .ok)
        }
    }

    @Test func aKeyRestrictedToAnOwnerIsRefusedLeads() async throws {
        try await TestApp.run { app in
            let made = try await app.send(.post, "/v1/keys", #"{"name": "dana", "scope": "write", "owner": "dana@seller.example"}"#)
            let secret = try #require(made.json["secret"] as? String)
            for (method, path, body) in [
                (HTTPRequest.Method.get, "/v1/leads", nil), (.post, "/v1/leads", #"{"name": "X", "email": "x@y.example"}"#),
                (.post, "/v1/engagement", #"{"events": []}"#), (.get, "/v1/segments", nil),
                (.get, "/v1/metrics/funnel?from=2026-01-01T00:00:00Z&to=2026-02-01T00:00:00Z", nil),
            ] as [(HTTPRequest.Method, String, String?)] {
                #expect(try await app.send(method, path, body, key: secret).status == .forbidden, "\(path)")
            }
        }
    }
}
