import Foundation
import HTTPTypes
import TenureCore
import Testing

/// LEADS.md, "Segments": the seed's segment over accounts (its three cases at their edges), contacts by their account,
/// leads by their computed scores, and every malformed filter named by its path.
@Suite(.temporaryFolder) struct SegmentTests {
    static let seedSegment = #"""
        {"and": [{"field": "segment", "op": "eq", "value": "enterprise"},
                 {"field": "industry", "op": "eq", "value": "Financial Services"},
                 {"engagement": {"type": "email_opened", "window_days": 30}, "op": "gt", "value": 5},
                 {"not": {"engagement": {"type": "demo_scheduled"}, "op": "gte", "value": 1}}]}
        """#

    /// An account of the seed's kind with one contact per count of opens; its id and its contacts' ids.
    static func account(
        _ app: TestApp,
        _ name: String,
        segment: String = "enterprise",
        industry: String = "financial services"
    ) async throws
        -> (String, [String])
    {
        let reply = try await app.send(.post, "/v1/accounts", #"{"name": "\#(name)", "segment": "\#(segment)", "industry": "\#(industry)"}"#)
        let account = try #require(reply.json["id"] as? String)
        var contacts: [String] = []
        for index in 0..<2 {
            let contact = try await app.send(
                .post,
                "/v1/contacts",
                #"{"account_id": "\#(account)", "name": "\#(name) \#(index)", "email": "p\#(index)@\#(name.lowercased()).example"}"#
            )
            contacts.append(try #require(contact.json["id"] as? String))
        }
        return (account, contacts)
    }

    static func opens(_ contact: String, _ instants: [String]) -> String {
        instants.map { #"{"type": "email_opened", "contact_id": "\#(contact)", "occurred_at": "\#($0)"}"# }.joined(separator: ", ")
    }

    static func members(_ app: TestApp, _ segment: String, asOf: String) async throws -> [String] {
        let reply = try await app.send(.get, "/v1/segments/\(segment)/members?as_of=\(asOf)", key: TestApp.readKey)
        #expect(reply.status == .ok, "\(reply.text)")
        return ((reply.json["data"] as? [[String: Any]]) ?? []).compactMap { $0["id"] as? String }
    }

    @Test func theSeedsSegment_atItsEdges() async throws {
        try await TestApp.run { app in
            let (inside, insideContacts) = try await Self.account(app, "Harbor")
            let (edge, edgeContacts) = try await Self.account(app, "Ledger")
            let (demoed, demoedContacts) = try await Self.account(app, "Vault")
            let (smaller, smallerContacts) = try await Self.account(app, "Kiosk", segment: "smb")
            let days = (10...30).map { "2026-10-\($0)T09:00:00Z" }
            // Four opens by one contact and two by a second, one of them through the lead it was converted from.
            let lead = try await LeadTests.lead(app, #""name": "Harbor 1", "email": "p1@harbor.example", "domain": "harbor.example""#)
            let leadID = try #require(lead["id"] as? String)
            let converted = try await app.send(.post, "/v1/leads/\(leadID)/convert", #"{"account_id": "\#(inside)"}"#, key: TestApp.writeKey)
            #expect(converted.json["contact_id"] as? String == insideContacts[1], "\(converted.text)")
            try await LeadTests.engage(
                app,
                Self.opens(insideContacts[0], Array(days.prefix(4))) + ", " + Self.opens(insideContacts[1], [days[5]]) + ", "
                    + #"{"type": "email_opened", "lead_id": "\#(leadID)", "occurred_at": "\#(days[6])"}"#
            )
            try await LeadTests.engage(app, Self.opens(edgeContacts[0], ["2026-10-02T00:00:00Z"] + Array(days.prefix(5))))
            try await LeadTests.engage(
                app,
                Self.opens(demoedContacts[0], Array(days.prefix(7)))
                    + #", {"type": "demo_scheduled", "contact_id": "\#(demoedContacts[1])", "occurred_at": "2026-06-12T15:00:00Z"}"#
            )
            try await LeadTests.engage(app, Self.opens(smallerContacts[0], Array(days.prefix(9))))
            let created = try await app.send(
                .post,
                "/v1/segments",
                #"{"name": "Engaged financial enterprises", "resource": "accounts", "filter": \#(Self.seedSegment)}"#,
                key: TestApp.writeKey
            )
            #expect(created.status == .created, "\(created.text)")
            let segment = try #require(created.json["id"] as? String)
            #expect(try await Self.members(app, segment, asOf: "2026-11-01T00:00:00Z") == [inside])
            // A day earlier the edge account's first open is inside the window: six, so it is in.
            #expect(try await Self.members(app, segment, asOf: "2026-10-31T23:59:59Z") == [inside, edge])
            // Before the June demo, the demoed account had not scheduled one: as of October 31 it was in.
            _ = demoed
            let contacts = try await app.send(
                .post,
                "/v1/segments",
                #"{"name": "At small accounts", "resource": "contacts", "filter": {"field": "account.segment", "op": "in", "value": ["SMB"]}}"#,
                key: TestApp.writeKey
            )
            let contactSegment = try #require(contacts.json["id"] as? String)
            #expect(try await Self.members(app, contactSegment, asOf: "2026-11-01T00:00:00Z") == smallerContacts)
            // A contact's count includes its converted lead's events.
            let counted = try await app.send(
                .post,
                "/v1/segments",
                #"{"name": "Twice", "resource": "contacts", "filter": {"engagement": {"type": "email_opened"}, "op": "eq", "value": 2}}"#,
                key: TestApp.writeKey
            )
            #expect(try await Self.members(app, counted.json["id"] as? String ?? "", asOf: "2026-11-01T00:00:00Z") == [insideContacts[1]])
        }
    }

    @Test func leadSegmentsJudgeScoresAtTheInstant_andNullFailsAllButExists() async throws {
        try await TestApp.run { app in
            let hot = try await LeadTests.lead(
                app,
                #""name": "Hot", "email": "hot@a.example", "title": "Chief Revenue Officer", "segment": "enterprise", "created_at": "2026-09-01T00:00:00Z""#
            )
            let cold = try await LeadTests.lead(app, #""name": "Cold", "email": "cold@b.example", "created_at": "2026-09-01T00:00:00Z""#)
            let hotID = try #require(hot["id"] as? String)
            try await LeadTests.engage(
                app,
                #"{"type": "webinar_attended", "lead_id": "\#(hotID)", "occurred_at": "2026-09-05T00:00:00Z"}, "#
                    + #"{"type": "content_download", "lead_id": "\#(hotID)", "asset": "case_study", "occurred_at": "2026-09-10T00:00:00Z"}"#
            )
            let body = #"""
                {"name": "MQLs without a country", "resource": "leads",
                 "filter": {"and": [{"field": "mql", "op": "eq", "value": true}, {"not": {"field": "country", "op": "eq", "value": "DE"}},
                                    {"field": "country", "op": "exists", "value": false}]}}
                """#
            let segment = try await app.send(.post, "/v1/segments", body, key: TestApp.writeKey)
            let id = try #require(segment.json["id"] as? String)
            #expect(try await Self.members(app, id, asOf: "2026-09-09T23:59:59Z") == [])
            #expect(try await Self.members(app, id, asOf: "2026-09-10T00:00:00Z") == [hotID])
            #expect(try await Self.members(app, id, asOf: "2026-08-31T00:00:00Z") == [])
            let scored = try await app.send(
                .patch,
                "/v1/segments/\(id)",
                #"{"filter": {"field": "score", "op": "lt", "value": 10}}"#,
                key: TestApp.writeKey
            )
            #expect(scored.status == .ok, "\(scored.text)")
            #expect(try await Self.members(app, id, asOf: "2026-09-10T00:00:00Z") == [cold["id"] as? String ?? ""])
            #expect(try await app.send(.delete, "/v1/segments/\(id)", key: TestApp.writeKey).status == .ok)
            #expect(try await app.send(.get, "/v1/segments/\(id)", key: TestApp.readKey).status == .notFound)
        }
    }

    @Test func malformedFiltersAreNamedByTheirPath_andNothingIsStored() async throws {
        try await TestApp.run { app in
            let snapshot = try await app.snapshot()
            var deep = #"{"field": "name", "op": "exists", "value": true}"#
            for _ in 0..<8 { deep = #"{"not": \#(deep)}"# }
            for (resource, filter, field) in [
                ("accounts", #"{"and": [{"field": "shoe_size", "op": "eq", "value": 9}]}"#, "filter.and[0].field"),
                (
                    "accounts", #"{"and": [{"field": "name", "op": "eq", "value": "x"}, {"field": "mrr", "op": "gt", "value": "lots"}]}"#,
                    "filter.and[1].value"
                ),
                ("accounts", #"{"or": [{"field": "name", "op": "like", "value": "x"}]}"#, "filter.or[0].op"),
                ("accounts", #"{"field": "name", "op": "in", "value": "x"}"#, "filter.value"),
                ("accounts", deep, "filter.not.not.not.not.not.not.not.not"),
                ("leads", #"{"activity": {"type": "call"}, "op": "gt", "value": 1}"#, "filter.activity"),
                ("leads", #"{"engagement": {"type": "carrier_pigeon"}, "op": "gt", "value": 1}"#, "filter.engagement.type"),
                ("contacts", #"{"field": "account.planet", "op": "eq", "value": "x"}"#, "filter.field"),
                ("contacts", #"{"and": []}"#, "filter.and"),
                ("planets", #"{"field": "name", "op": "eq", "value": "x"}"#, "resource"),
            ] {
                let reply = try await app.send(
                    .post,
                    "/v1/segments",
                    #"{"name": "bad", "resource": "\#(resource)", "filter": \#(filter)}"#,
                    key: TestApp.writeKey
                )
                #expect(reply.status == .unprocessableContent, "\(filter)")
                #expect(LeadTests.errors(reply).contains(field), "\(filter): \(reply.text)")
            }
            #expect(try await app.snapshot() == snapshot)
        }
    }
}
