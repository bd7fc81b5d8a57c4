import Foundation
import HTTPTypes
import TenureCore
import Testing

/// LEADS.md through the API: leads and their dedupe, engagement, the scoring example at every instant it names, the
/// settings, routing with its round robin and tasks, conversion through the one door, and the events they emit.
@Suite(.temporaryFolder) struct LeadTests {
    /// Creates a lead; its body.
    @discardableResult
    static func lead(_ app: TestApp, _ fields: String, key: String = TestApp.writeKey) async throws -> [String: Any] {
        let reply = try await app.send(.post, "/v1/leads", "{\(fields)}", key: key)
        try #require(reply.status == .created, "\(reply.text)")
        return reply.json
    }

    static func engage(_ app: TestApp, _ events: String) async throws {
        let reply = try await app.send(.post, "/v1/engagement", #"{"events": [\#(events)]}"#, key: TestApp.writeKey)
        try #require(reply.status == .created, "\(reply.text)")
    }

    static func errors(_ reply: TestReply) -> [String] {
        ((reply.json["errors"] as? [[String: Any]]) ?? []).compactMap { $0["field"] as? String }
    }

    @Test func theScoringExample_throughTheAPI() async throws {
        try await TestApp.run { app in
            let lead = try await Self.lead(
                app,
                #""name": "Imre Castellanos", "email": "Imre@Fernwood.example", "title": "VP Growth", "segment": "mid_market", "created_at": "2026-08-01T00:00:00Z""#
            )
            let id = try #require(lead["id"] as? String)
            #expect(lead["email"] as? String == "imre@fernwood.example")
            #expect(lead["role"] as? String == "executive")
            try await Self.engage(
                app,
                #"""
                {"type": "content_download", "lead_id": "\#(id)", "asset": "Case_Study", "occurred_at": "2026-08-15T09:00:00Z"},
                {"type": "page_view", "email": "imre@fernwood.example", "url": "https://fernwood.example/Pricing?plan=team", "occurred_at": "2026-09-23T10:00:00Z"},
                {"type": "email_opened", "lead_id": "\#(id)", "occurred_at": "2026-09-28T16:00:00Z"},
                {"type": "email_opened", "lead_id": "\#(id)", "occurred_at": "2026-09-29T16:00:00Z"},
                {"type": "email_opened", "lead_id": "\#(id)", "occurred_at": "2026-09-30T08:00:00Z"},
                {"type": "page_view", "lead_id": "\#(id)", "url": "https://fernwood.example/blog/pricing-tips", "occurred_at": "2026-09-29T12:00:00Z"}
                """#
            )
            for (asOf, score) in [
                ("2026-09-23T09:59:59Z", 40), ("2026-09-23T10:00:00Z", 65), ("2026-09-30T07:59:59Z", 65), ("2026-09-30T09:59:59Z", 75),
                ("2026-09-30T10:00:00Z", 50), ("2026-10-01T00:00:00Z", 40),
            ] {
                let reply = try await app.send(.get, "/v1/leads/\(id)/score?as_of=\(asOf)", key: TestApp.readKey)
                #expect(reply.status == .ok, "\(reply.text)")
                #expect(reply.json["score"] as? Int == score, "\(asOf)")
                #expect(reply.json["fit_score"] as? Int == 25)
                let mqlAt = asOf >= "2026-09-23T10:00:00Z" ? "2026-09-23T10:00:00Z" : nil
                #expect(reply.json["mql_at"] as? String == mqlAt, "\(asOf)")
            }
            let explained = try await app.send(.get, "/v1/leads/\(id)/score?as_of=2026-09-30T09:59:59Z", key: TestApp.readKey)
            let fired = (explained.json["fired"] as? [[String: Any]]) ?? []
            #expect(fired.compactMap { $0["key"] as? String } == ["executive", "target_segment", "pricing_page", "case_study", "emails_this_month"])
            #expect(fired.last?["count"] as? Int == 3)
            #expect(fired.first?["count"] is NSNull)
            let early = try await app.send(.get, "/v1/leads/\(id)/score?as_of=2026-07-31T23:59:59Z", key: TestApp.readKey)
            #expect(early.status == .unprocessableContent)
            // The list shows the same figures as of an instant, and filters by them.
            let listed = try await app.send(.get, "/v1/leads?as_of=2026-09-30T09:59:59Z&mql=true&min_score=75", key: TestApp.readKey)
            let items = (listed.json["data"] as? [[String: Any]]) ?? []
            #expect(items.compactMap { $0["id"] as? String } == [id])
            #expect(items.first?["score"] as? Int == 75)
            #expect(items.first?["mql"] as? Bool == true)
            // The contact side: the engagement list filters by lead.
            let events = try await app.send(.get, "/v1/engagement?lead_id=\(id)&type=email_opened", key: TestApp.readKey)
            #expect((events.json["data"] as? [[String: Any]])?.count == 3)
        }
    }

    @Test func aChangeOfSettingsRescoresThePast_andABadSettingChangesNothing() async throws {
        try await TestApp.run { app in
            let lead = try await Self.lead(app, #""name": "Oona Vale", "email": "oona@kestrel.example", "created_at": "2026-06-01T00:00:00Z""#)
            let id = try #require(lead["id"] as? String)
            try await Self.engage(app, #"{"type": "webinar_attended", "lead_id": "\#(id)", "occurred_at": "2026-06-02T00:00:00Z"}"#)
            let before = try await app.send(.get, "/v1/leads/\(id)/score?as_of=2026-06-03T00:00:00Z", key: TestApp.readKey)
            #expect(before.json["score"] as? Int == 20)
            let settings = #"""
                {"fit_rules": [], "behavior_rules": [{"key": "webinar", "type": "webinar_attended", "window": null, "min_count": 1, "max_count": null, "points": 35}],
                 "mql_threshold": 30, "auto_qualify": false}
                """#
            let put = try await app.send(.put, "/v1/settings/lead-scoring", settings)
            #expect(put.status == .ok, "\(put.text)")
            let after = try await app.send(.get, "/v1/leads/\(id)/score?as_of=2026-06-03T00:00:00Z", key: TestApp.readKey)
            #expect(after.json["score"] as? Int == 35)
            #expect(after.json["mql_at"] as? String == "2026-06-02T00:00:00Z")
            let snapshot = try await app.snapshot()
            for (body, field) in [
                (#"{"behavior_rules": [{"key": "w", "type": "webinar_attended", "window": -3, "points": 5}]}"#, "behavior_rules[0].window"),
                (#"{"behavior_rules": [{"key": "w", "type": "podcast", "points": 5}]}"#, "behavior_rules[0].type"),
                (#"{"fit_rules": [{"key": "f", "field": "shoe_size", "in": ["9"], "points": 5}]}"#, "fit_rules[0].field"),
                (#"{"behavior_rules": [{"key": "w", "type": "any", "min_count": -1, "points": 5}]}"#, "behavior_rules[0].min_count"),
                (#"{"fit_rules": [{"key": "f", "field": "role", "in": ["executive"], "points": "many"}]}"#, "fit_rules[0].points"),
                (#"{"mql_threshold": 50, "extra": true}"#, "extra"),
                (#"{"auto_qualify": null}"#, "auto_qualify"),
                (#"{"fit_rules": null}"#, "fit_rules"),
                (#"{"mql_threshold": 12.5}"#, "mql_threshold"),
            ] {
                let reply = try await app.send(.put, "/v1/settings/lead-scoring", body)
                #expect(reply.status == .unprocessableContent, "\(body)")
                #expect(Self.errors(reply).contains(field), "\(reply.text)")
            }
            let refused = try await app.send(.put, "/v1/settings/lead-scoring", settings, key: TestApp.writeKey)
            #expect(refused.status == .forbidden)
            #expect(try await app.snapshot() == snapshot)
        }
    }

    @Test func engagementThatLiftsTheScoreToTheThresholdQualifiesTheLead_whenTheSettingsSaySo() async throws {
        try await TestApp.run { app in
            let lead = try await Self.lead(
                app,
                #""name": "Ines Duarte", "email": "ines@corvid.example", "title": "VP Finance", "segment": "enterprise""#
            )
            let id = try #require(lead["id"] as? String)
            #expect(lead["score"] as? Int == 25)
            #expect(lead["status"] as? String == "new")
            // A blog page view counts for nothing; the pricing page (any case, any query) lifts the score to 50.
            try await Self.engage(app, #"{"type": "page_view", "lead_id": "\#(id)", "url": "https://corvid.example/blog/pricing-tips"}"#)
            #expect(try await app.send(.get, "/v1/leads/\(id)").json["status"] as? String == "new")
            try await Self.engage(
                app,
                #"{"type": "page_view", "email": "INES@corvid.example", "url": "https://corvid.example/Pricing/Team?seats=40"}"#
            )
            let qualified = try await app.send(.get, "/v1/leads/\(id)")
            #expect(qualified.json["status"] as? String == "qualified")
            #expect(qualified.json["score"] as? Int == 50)
            #expect(qualified.json["qualified_at"] as? String != nil)
            let events = try await app.send(.get, "/v1/events?type=lead.qualified", key: TestApp.readKey)
            #expect(events.data.count == 1)
            // With auto-qualification off, the same climb leaves a lead as it is.
            let settings = #"{"auto_qualify": false}"#
            #expect(try await app.send(.put, "/v1/settings/lead-scoring", settings).status == .ok)
            let other = try #require(
                try await Self.lead(app, #""name": "Jon Ek", "email": "jon@corvid.example", "title": "VP Sales", "segment": "enterprise""#)["id"]
                    as? String
            )
            try await Self.engage(app, #"{"type": "page_view", "lead_id": "\#(other)", "url": "/pricing"}"#)
            let kept = try await app.send(.get, "/v1/leads/\(other)")
            #expect(kept.json["status"] as? String == "new")
            #expect(kept.json["score"] as? Int == 50)
            // An event naming no one, or a page view without a url: 422 naming the item, nothing stored.
            let snapshot = try await app.snapshot()
            for (body, field) in [
                (#"{"type": "page_view", "email": "nobody@nowhere.example", "url": "/"}"#, "events[1].email"),
                (#"{"type": "page_view", "lead_id": "lead_missing", "url": "/"}"#, "events[1].lead_id"),
                (#"{"type": "page_view", "contact_id": "con_missing", "url": "/"}"#, "events[1].contact_id"),
                (#"{"type": "page_view", "lead_id": "\#(other)"}"#, "events[1].url"),
                (#"{"type": "telepathy", "lead_id": "\#(other)"}"#, "events[1].type"),
                (#"{"type": "email_opened", "lead_id": "\#(other)", "contact_id": "x"}"#, "events[1].lead_id"),
                (#"{"type": "email_opened", "lead_id": 42}"#, "events[1].lead_id"),
                (#"{"type": "email_opened", "lead_id": "\#(other)", "occurred_at": "2999-01-01T00:00:00Z"}"#, "events[1].occurred_at"),
            ] {
                let reply = try await app.send(
                    .post,
                    "/v1/engagement",
                    #"{"events": [{"type": "email_opened", "lead_id": "\#(other)"}, \#(body)]}"#,
                    key: TestApp.writeKey
                )
                #expect(reply.status == .unprocessableContent, "\(body)")
                #expect(Self.errors(reply).contains(field), "\(body): \(reply.text)")
            }
            #expect(try await app.snapshot() == snapshot)
        }
    }

    @Test func automationsTriggerOnLeadEvents_withTheLeadAsTheEventsObject() async throws {
        try await TestApp.run { app in
            let definition = #"""
                {"name": "Enterprise MQL", "trigger": "lead.qualified",
                 "conditions": [{"field": "data.object.segment", "op": "eq", "value": "enterprise"}],
                 "actions": [{"type": "notify", "url": "http://127.0.0.1:9/hook", "text": "{{data.object.name}} is qualified"}]}
                """#
            let automation = try await AutomationTests.create(app, definition)
            let small = try await Self.lead(app, #""name": "Small Co", "email": "a@small.example", "segment": "smb""#)
            let big = try await Self.lead(app, #""name": "Big Co", "email": "b@big.example", "segment": "enterprise""#)
            for lead in [small, big] {
                let reply = try await app.send(.post, "/v1/leads/\(lead["id"] as? String ?? "")/qualify", key: TestApp.writeKey)
                #expect(reply.status == .ok)
            }
            let events = try await app.send(.get, "/v1/events?type=lead.qualified", key: TestApp.readKey).data
            #expect(events.count == 2)
            let runs = try await app.send(.get, "/v1/automations/\(automation)/runs").data
            #expect(runs.count == 2, "one run for each lead.qualified event")
            let bigEvent = try #require(events.first { ($0["data"] as? [String: Any])?["object"].map { "\($0)" }?.contains("Big Co") == true })
            let dry = try await app.send(.post, "/v1/automations/\(automation)/dry-run", #"{"event_id": "\#(bigEvent["id"] as? String ?? "")"}"#)
            #expect(dry.json["matched"] as? Bool == true, "\(dry.text)")
            let smallEvent = try #require(events.first { $0["id"] as? String != bigEvent["id"] as? String })
            let skipped = try await app.send(
                .post,
                "/v1/automations/\(automation)/dry-run",
                #"{"event_id": "\#(smallEvent["id"] as? String ?? "")"}"#
            )
            #expect(skipped.json["matched"] as? Bool == false, "\(skipped.text)")
        }
    }

    @Test func anOpenLeadsEmailIsUnique_andABatchIsAllOrNothing() async throws {
        try await TestApp.run { app in
            let first = try await Self.lead(app, #""name": "Tavi Brandt", "email": "tavi@quarry.example""#)
            let duplicate = try await app.send(.post, "/v1/leads", #"{"name": "T. Brandt", "email": "TAVI@quarry.example"}"#, key: TestApp.writeKey)
            #expect(duplicate.status == .conflict)
            #expect(duplicate.json["existing_id"] as? String == first["id"] as? String)
            let snapshot = try await app.snapshot()
            let twice = try await app.send(
                .post,
                "/v1/leads/batch",
                #"{"leads": [{"name": "A", "email": "a@x.example"}, {"name": "B", "email": "A@x.example"}]}"#,
                key: TestApp.writeKey
            )
            #expect(twice.status == .unprocessableContent)
            #expect(Self.errors(twice) == ["leads[1].email"])
            let bad = try await app.send(
                .post,
                "/v1/leads/batch",
                #"{"leads": [{"name": "A", "email": "a@x.example"}, {"name": "B", "email": "nope", "country": "DEU", "employee_count": -1, "status": "converted"}]}"#,
                key: TestApp.writeKey
            )
            #expect(Set(Self.errors(bad)) == ["leads[1].email", "leads[1].country", "leads[1].employee_count", "leads[1].status"])
            let taken = try await app.send(
                .post,
                "/v1/leads/batch",
                #"{"leads": [{"name": "A", "email": "a@x.example"}, {"name": "B", "email": "tavi@quarry.example"}]}"#,
                key: TestApp.writeKey
            )
            #expect(taken.status == .conflict)
            for body in [#"{"email": "x@y.example"}"#, #"{"name": "X", "email": "x@y.example", "created_at": "2999-01-01T00:00:00Z"}"#, "[1]", "{"] {
                let reply = try await app.send(.post, "/v1/leads", body, key: TestApp.writeKey)
                #expect(reply.status.code >= 400 && reply.status.code < 500, "\(body)")
            }
            #expect(try await app.snapshot() == snapshot)
            let batch = try await app.send(
                .post,
                "/v1/leads/batch",
                #"{"leads": [{"name": "A", "email": "a@x.example", "source": " Webinar ", "country": "de"}, {"name": "B", "email": "b@x.example"}]}"#,
                key: TestApp.writeKey
            )
            #expect(batch.status == .created, "\(batch.text)")
            let created = (batch.json["data"] as? [[String: Any]]) ?? []
            #expect(created.first?["source"] as? String == "webinar")
            #expect(created.first?["country"] as? String == "DE")
            // A disqualified lead frees its email; a PATCH reopening it checks the email again.
            let id = try #require(first["id"] as? String)
            let disqualified = try await app.send(.post, "/v1/leads/\(id)/disqualify", #"{"reason": "student"}"#, key: TestApp.writeKey)
            #expect(disqualified.json["status"] as? String == "disqualified")
            let again = try await Self.lead(app, #""name": "Tavi Brandt", "email": "tavi@quarry.example""#)
            let reopen = try await app.send(.patch, "/v1/leads/\(id)", #"{"status": "working"}"#, key: TestApp.writeKey)
            #expect(reopen.status == .conflict)
            #expect(reopen.json["existing_id"] as? String == again["id"] as? String)
            #expect(try await app.send(.post, "/v1/leads/\(id)/qualify", key: TestApp.writeKey).status == .conflict)
            #expect(try await app.send(.post, "/v1/leads/lead_unknown/qualify", key: TestApp.writeKey).status == .notFound)
        }
    }

    @Test func routingTakesThePoolInTurn_withAFollowUpTaskForTheNewOwner() async throws {
        try await TestApp.run { app in
            let routing = #"""
                {"rules": [{"name": "dach", "when": {"country": ["DE", "at", "ch"]}, "pool": ["mara@seller.example", "jonas@seller.example"]},
                           {"name": "big", "when": {"segment": ["enterprise"], "min_score": 10}, "owner": "eli@seller.example"}],
                 "fallback": {"owner": "desk@seller.example"}, "follow_up_hours": 4}
                """#
            #expect(try await app.send(.put, "/v1/settings/lead-routing", routing).status == .ok)
            var owners: [String] = []
            for (index, country) in ["de", "AT", "ch"].enumerated() {
                let lead = try await Self.lead(app, #""name": "Lead \#(index)", "email": "lead\#(index)@alpen.example", "country": "\#(country)""#)
                owners.append(lead["owner"] as? String ?? "")
                let assignments = (lead["assignments"] as? [[String: Any]]) ?? []
                #expect(assignments.first?["trigger"] as? String == "create")
                #expect(assignments.first?["rule"] as? String == "dach")
            }
            #expect(owners == ["mara@seller.example", "jonas@seller.example", "mara@seller.example"])
            let fallback = try await Self.lead(app, #""name": "Pia Sorensen", "email": "pia@fjord.example", "segment": "smb""#)
            #expect(fallback["owner"] as? String == "desk@seller.example")
            let id = try #require(fallback["id"] as? String)
            let tasks = try await app.send(.get, "/v1/tasks?lead_id=\(id)", key: TestApp.readKey)
            let task = try #require((tasks.json["data"] as? [[String: Any]])?.first)
            #expect(task["title"] as? String == "Call Pia Sorensen within 4 hours")
            #expect(task["playbook"] as? String == "lead_follow_up")
            #expect(task["account_id"] is NSNull)
            #expect(task["owner"] as? String == "desk@seller.example")
            // Given an owner, a lead is not routed: a manual assignment, no task.
            let manual = try await Self.lead(app, #""name": "Ravi", "email": "ravi@fjord.example", "owner": "sam@seller.example""#)
            #expect((manual["assignments"] as? [[String: Any]])?.first?["trigger"] as? String == "manual")
            let none = try await app.send(.get, "/v1/tasks?lead_id=\(manual["id"] as? String ?? "")", key: TestApp.readKey)
            #expect((none.json["data"] as? [[String: Any]])?.isEmpty == true)
            // A PUT keeps the count of a rule of the same name and pool: the fourth DACH lead goes to jonas.
            #expect(try await app.send(.put, "/v1/settings/lead-routing", routing).status == .ok)
            let fourth = try await Self.lead(app, #""name": "Lead 4", "email": "lead4@alpen.example", "country": "DE""#)
            #expect(fourth["owner"] as? String == "jonas@seller.example")
            // Qualifying routes again and moves the one open task.
            let early = try await app.send(.post, "/v1/leads/\(id)/qualify", #"{"at": "2026-01-02T10:00:00Z"}"#, key: TestApp.writeKey)
            #expect(Self.errors(early) == ["at"])
            let qualified = try await app.send(.post, "/v1/leads/\(id)/qualify", key: TestApp.writeKey)
            #expect(qualified.status == .ok, "\(qualified.text)")
            let qualifiedAt = try #require(qualified.json["qualified_at"] as? String)
            #expect((qualified.json["assignments"] as? [[String: Any]])?.last?["trigger"] as? String == "qualify")
            let moved = try await app.send(.get, "/v1/tasks?lead_id=\(id)", key: TestApp.readKey)
            #expect((moved.json["data"] as? [[String: Any]])?.count == 1)
            let repeated = try await app.send(.post, "/v1/leads/\(id)/qualify", key: TestApp.writeKey)
            #expect(repeated.json["qualified_at"] as? String == qualifiedAt)
            for (body, field) in [
                (#"{"rules": [{"name": "a", "owner": "x", "pool": ["y"]}]}"#, "rules[0]"),
                (#"{"rules": [{"name": "a", "owner": "x"}, {"name": "a", "owner": "y"}]}"#, "rules[1].name"),
                (#"{"rules": [{"name": "a", "pool": []}]}"#, "rules[0]"),
                (#"{"rules": [{"name": "a", "when": {"planet": ["mars"]}, "owner": "x"}]}"#, "rules[0].when.planet"),
                (#"{"rules": [], "follow_up_hours": 0}"#, "follow_up_hours"),
            ] {
                let reply = try await app.send(.put, "/v1/settings/lead-routing", body)
                #expect(reply.status == .unprocessableContent, "\(body)")
                #expect(Self.errors(reply).contains(field), "\(reply.text)")
            }
        }
    }

    @Test func conversionMatchesByDomainAndEmail_andNeverMakesACustomer() async throws {
        try await TestApp.run { app in
            let account = try await app.createAccount("Brightwater Analytics", domain: "brightwater.example")
            let existing = try await app.send(
                .post,
                "/v1/contacts",
                #"{"account_id": "\#(account)", "name": "Noor Haddad", "email": "noor@brightwater.example"}"#
            )
            let contact = try #require(existing.json["id"] as? String)
            let lead = try await Self.lead(
                app,
                #""name": "Noor Haddad", "email": "noor@brightwater.example", "domain": "https://www.Brightwater.example/about", "owner": "lee@seller.example""#
            )
            let id = try #require(lead["id"] as? String)
            let snapshot = try await app.snapshot()
            for body in [
                #"{"create_opportunity": {"amount": 120000, "currency": "usd", "stage": "closed_won"}}"#,
                #"{"account_id": "acc_nobody"}"#,
                #"{"at": "2999-01-01T00:00:00Z"}"#,
            ] {
                let reply = try await app.send(.post, "/v1/leads/\(id)/convert", body, key: TestApp.writeKey)
                #expect(reply.status == .unprocessableContent, "\(body) \(reply.text)")
            }
            #expect(try await app.snapshot() == snapshot)
            let converted = try await app.send(
                .post,
                "/v1/leads/\(id)/convert",
                #"{"create_opportunity": {"amount": 120000, "currency": "usd", "close_date": "2027-01-31"}}"#,
                key: TestApp.writeKey
            )
            try #require(converted.status == .ok, "\(converted.text)")
            #expect(converted.json["status"] as? String == "converted")
            #expect(converted.json["account_id"] as? String == account)
            #expect(converted.json["contact_id"] as? String == contact)
            let opportunity = try #require(converted.json["opportunity_id"] as? String)
            let deal = try await app.send(.get, "/v1/opportunities/\(opportunity)")
            #expect(deal.json["stage"] as? String == "prospecting")
            #expect(deal.json["owner"] as? String == "lee@seller.example")
            #expect(deal.json["name"] as? String == "Brightwater Analytics")
            let stage = try await app.send(.get, "/v1/accounts/\(account)")
            #expect(stage.json["lifecycle_stage"] as? String == "prospect")
            let again = try await app.send(.post, "/v1/leads/\(id)/convert", "{}", key: TestApp.writeKey)
            #expect(again.status == .conflict)
            #expect(again.json["account_id"] as? String == account)
            #expect(again.json["contact_id"] as? String == contact)
            #expect(again.json["opportunity_id"] as? String == opportunity)
            #expect(try await app.send(.patch, "/v1/leads/\(id)", #"{"name": "N"}"#, key: TestApp.writeKey).status == .conflict)
            // A lead of a new company makes its account and contact; without a deal its opportunity is null.
            let fresh = try await Self.lead(
                app,
                #""name": "Ilse Moreau", "email": "ilse@saltmarsh.example", "company": "Saltmarsh Labs", "domain": "saltmarsh.example", "segment": "enterprise", "title": "CTO""#
            )
            let made = try await app.send(.post, "/v1/leads/\(fresh["id"] as? String ?? "")/convert", key: TestApp.writeKey)
            #expect(made.status == .ok, "\(made.text)")
            #expect(made.json["opportunity_id"] is NSNull)
            let newAccount = try await app.send(.get, "/v1/accounts/\(made.json["account_id"] as? String ?? "")")
            #expect(newAccount.json["name"] as? String == "Saltmarsh Labs")
            #expect(newAccount.json["segment"] as? String == "enterprise")
            let newContact = try await app.send(.get, "/v1/contacts/\(made.json["contact_id"] as? String ?? "")")
            #expect(newContact.json["email"] as? String == "ilse@saltmarsh.example")
            #expect(newContact.json["title"] as? String == "CTO")
            // Its events: created, converted (with the account), each rendering the lead.
            let events = try await app.send(.get, "/v1/events?type=lead.converted", key: TestApp.readKey)
            let data = (events.json["data"] as? [[String: Any]]) ?? []
            #expect(data.count == 2)
            #expect(data.compactMap { $0["account_id"] as? String }.contains(account))
            let created = try await app.send(.get, "/v1/events?type=lead.created", key: TestApp.readKey)
            #expect((created.json["data"] as? [[String: Any]])?.count == 2)
            // The list as CSV, as every list: one row a lead, its score and conversion included.
            let csv = try await app.send(.get, "/v1/leads?sort=-score", key: TestApp.exportKey, headers: [.accept: "text/csv"])
            #expect(csv.status == .ok, "\(csv.text)")
            let lines = csv.text.split(separator: "\r\n")
            #expect(lines.count == 3 && lines[0].contains("email") && lines[0].contains("score") && csv.text.contains("ilse@saltmarsh.example"))
        }
    }
}
