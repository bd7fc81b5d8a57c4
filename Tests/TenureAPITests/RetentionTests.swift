import Foundation
import HTTPTypes
import Logging
import TenureCore
import TenureServices
import Testing

/// PRIVACY.md, "Retention": the settings, validated whole, and the run that expires each kind of record at exactly its
/// edge while every revenue figure answers as before.
@Suite(.temporaryFolder) struct RetentionTests {
    @Test func settingsAreReplacedWhole_missingIsForever_andBadOnesChangeNothing() async throws {
        try await TestApp.run { app in
            let defaults = try await app.send(.get, "/v1/settings/retention", key: TestApp.readKey)
            #expect(
                defaults.json as NSDictionary == [
                    "activities_days": NSNull(), "webhook_payloads_days": NSNull(), "audit_log_days": NSNull(), "access_log_days": NSNull(),
                    "leads_days": NSNull(),
                ]
            )
            let put = try await app.send(.put, "/v1/settings/retention", #"{"activities_days": 400, "leads_days": 30}"#)
            #expect(put.status == .ok, "\(put.text)")
            #expect(put.json["activities_days"] as? Int == 400)
            #expect(put.json["webhook_payloads_days"] is NSNull)
            let stored = try await app.snapshot()
            let refused: [(String, [String])] = [
                (#"{"activities_days": 364}"#, ["activities_days"]),
                (#"{"audit_log_days": 100, "access_log_days": 1}"#, ["audit_log_days", "access_log_days"]),
                (#"{"webhook_payloads_days": 29, "leads_days": -1}"#, ["webhook_payloads_days", "leads_days"]),
                (#"{"activities_days": "400"}"#, ["activities_days"]),
                (#"{"activities_days": 400.5}"#, ["activities_days"]),
                (#"{"events_days": 400}"#, ["events_days"]),
            ]
            for (body, fields) in refused {
                let reply = try await app.send(.put, "/v1/settings/retention", body)
                #expect(reply.status == .unprocessableContent, "\(body): \(reply.text)")
                #expect(reply.errorFields == fields, "\(body)")
            }
            #expect(try await app.send(.put, "/v1/settings/retention", "[1]").status == .badRequest)
            #expect(try await app.send(.put, "/v1/settings/retention", "{}", key: TestApp.writeKey).status == .forbidden)
            #expect(try await app.send(.post, "/v1/privacy/retention/run", nil, key: TestApp.writeKey).status == .forbidden)
            #expect(try await app.send(.post, "/v1/privacy/retention/run?as_of=2099-01-01").status == .unprocessableContent)
            #expect(try await app.snapshot() == stored)
            #expect(try await app.send(.get, "/v1/settings/retention").json["activities_days"] as? Int == 400)
        }
    }

    @Test func aRunExpiresEachKindAtExactlyItsEdge_inWindows_andNoRevenueFigureMoves() async throws {
        let time = EventLogTests.SettableClock("2026-02-10T12:00:00Z")
        var arguments = TestArguments()
        arguments.clock = time.clock
        try await TestApp.run(arguments: arguments) { app in
            // Made in February 2026: a customer, the Stripe deliveries about it, audit and access entries, leads.
            let (account, _) = try await EventLogTests.customer(app, "Fennel Works", mrr: 31000, paidAt: "2026-02-05T00:00:00Z")
            try await app.send(.patch, "/v1/accounts/\(account)", #"{"stripe_customer_id": "cus_fennel2"}"#)
            let invoice = StripeFixture.invoice("in_fennel1", customer: "cus_fennel2", paid: 31000)
            let paid = StripeFixture.event("evt_fennel_paid", "invoice.paid", created: "2026-02-08T00:00:00Z", invoice)
            #expect(try await app.stripe(paid, timestamp: time.clock.now()).status == .ok)
            let waiting = StripeFixture.invoice("in_nobody", customer: "cus_unlinked", paid: 500)
            let pending = StripeFixture.event("evt_fennel_pending", "invoice.paid", created: "2026-02-08T00:00:00Z", waiting)
            #expect(try await app.stripe(pending, timestamp: time.clock.now()).json["status"] as? String == "pending")
            _ = try await app.send(.get, "/v1/contacts", key: TestApp.readKey)
            for (email, at) in [("old.lead@fennel.example", "2026-02-11T00:00:00Z"), ("new.lead@fennel.example", "2027-01-01T00:00:00Z")] {
                time.set(at)
                try await ConsentTests.consent(app, #""email": "\#(email)""#, "email", "marketing", "granted", at: at)
            }
            let contact = try await ConsentTests.contact(app, "Known Person", email: "known@fennel.example")
            try await ConsentTests.consent(app, #""email": "known@fennel.example""#, "sms", "service", "granted", at: "2026-02-11T00:00:00Z")
            _ = contact
            // Activities either side of the edge: as of 2027-04-01T00:00Z with 400 days, the edge is 2026-02-25T00:00Z.
            time.set("2027-03-31T00:00:00Z")
            var ids: [String: String] = [:]
            for (name, at) in [("older", "2026-02-24T23:59:59.999Z"), ("edge", "2026-02-25T00:00:00Z"), ("newer", "2026-06-01T00:00:00Z")] {
                let reply = try await app.send(.post, "/v1/activities", #"{"account_id": "\#(account)", "type": "note", "occurred_at": "\#(at)"}"#)
                ids[name] = reply.json["id"] as? String
            }
            try await app.send(
                .put,
                "/v1/settings/retention",
                #"{"activities_days": 400, "webhook_payloads_days": 30, "audit_log_days": 365, "access_log_days": 365, "leads_days": 120}"#
            )
            time.set("2027-04-01T00:00:00Z")
            let figures = { () async throws -> [String] in
                var answers: [String] = []
                for path in [
                    "/v1/metrics/revenue?from=2026-01&to=2027-03", "/v1/metrics/summary?as_of=2027-03-31T00:00:00Z",
                    "/v1/accounts/\(account)?as_of=2027-03-31T00:00:00Z", "/v1/metrics/ltv?as_of=2027-03-31T00:00:00Z",
                ] {
                    answers.append(try await app.send(.get, path).text)
                }
                return answers
            }
            let before = try await figures()
            let run = try await app.send(.post, "/v1/privacy/retention/run")
            try #require(run.status == .ok, "\(run.text)")
            #expect(run.json["as_of"] as? String == "2027-04-01T00:00:00Z")
            #expect(run.json["activities_deleted"] as? Int == 1)
            #expect(run.json["webhook_payloads_purged"] as? Int == 1, "the processed one; the pending one keeps its payload")
            #expect((run.json["audit_log_deleted"] as? Int ?? 0) >= 8, "every write of February 2026")
            #expect(run.json["access_log_deleted"] as? Int == 1)
            #expect(run.json["lead_consents_deleted"] as? Int == 1, "the old lead; the recent one and a contact's email stay")
            #expect(try await figures() == before, "revenue figures answer as before")

            let activities = try await app.send(.get, "/v1/activities?account_id=\(account)").data.compactMap { $0["id"] as? String }
            #expect(activities == [ids["edge"], ids["newer"]].compactMap { $0 }, "exactly 400 days old stays")
            let events = try await app.send(.get, "/v1/webhook-events?source=stripe").data
            let processed = try #require(events.first { $0["event_id"] as? String == "evt_fennel_paid" }?["id"] as? String)
            let waitingID = try #require(events.first { $0["event_id"] as? String == "evt_fennel_pending" }?["id"] as? String)
            #expect(try await app.send(.get, "/v1/webhook-events/\(processed)").json["payload"] is NSNull)
            #expect((try await app.send(.get, "/v1/webhook-events/\(waitingID)").json["payload"] as? String)?.contains("in_nobody") == true)
            #expect(try await app.send(.post, "/v1/webhook-events/\(processed)/replay").status == .conflict)
            #expect(
                try await app.stripe(paid, timestamp: time.clock.now()).json["status"] as? String == "duplicate",
                "the event stays for exactly-once"
            )
            let leads = try await app.send(.get, "/v1/consents?limit=50").data.compactMap { $0["email"] as? String }
            #expect(!leads.contains("old.lead@fennel.example"))
            #expect(leads.contains("new.lead@fennel.example") && leads.contains("known@fennel.example"))
            let audit = try await app.send(.get, "/v1/audit-log?limit=500").data
            #expect(audit.first?["action"] as? String == "retention.run")
            #expect(audit.allSatisfy { ($0["at"] as? String ?? "") >= "2026-04-01" })
            // The same run again expires nothing more.
            let again = try await app.send(.post, "/v1/privacy/retention/run").json
            #expect(
                again["activities_deleted"] as? Int == 0 && again["webhook_payloads_purged"] as? Int == 0
                    && again["lead_consents_deleted"] as? Int == 0
            )
        }
    }

    @Test func theDailyRunRunsOncePerDayAcrossNodes() async throws {
        let time = EventLogTests.SettableClock("2026-04-01T08:00:00Z")
        var arguments = TestArguments()
        arguments.clock = time.clock
        let database = arguments.database
        try await TestApp.run(arguments: arguments) { app in
            try await app.send(.put, "/v1/settings/retention", #"{"activities_days": 365}"#)
            let storage = try await database.openStorage(logger: Logger(label: "retention"))
            let nodes = [RetentionService(storage: storage, clock: time.clock), RetentionService(storage: storage, clock: time.clock)]
            #expect(try await nodes[0].runTodayIfMissing())
            #expect(try await !nodes[1].runTodayIfMissing(), "another node ran today's")
            time.set("2026-04-02T00:01:00Z")
            #expect(try await nodes[1].runTodayIfMissing())
            let runs = try await app.send(.get, "/v1/audit-log").data.filter { $0["action"] as? String == "retention.run" }
            #expect(runs.count == 2)
            #expect(runs.allSatisfy { $0["key_name"] as? String == "system" })
            await storage.close()
        }
    }
}
