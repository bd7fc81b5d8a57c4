import Foundation
import HTTPTypes
import TenureCore
import Testing

/// PRIVACY.md, "Access control": keys made through the API, a key kept to an owner's accounts (404 for another's ids in
/// a path, 422 in a body, lists of its rows only, no company-wide figure), a key kept to support.
@Suite(.temporaryFolder) struct AccessControlTests {
    static func key(_ app: TestApp, _ body: String) async throws -> String {
        let reply = try await app.send(.post, "/v1/keys", body)
        try #require(reply.status == .created, "\(reply.text)")
        return try #require(reply.json["secret"] as? String)
    }

    /// Two reps' accounts and one without an owner, each with a contact, a deal, a case and an activity; their ids.
    static func book(_ app: TestApp) async throws -> [String: [String: String]] {
        var book: [String: [String: String]] = [:]
        for (name, owner) in [("dana", "Dana@Seller.example "), ("sam", "sam@seller.example"), ("nobody", nil)] {
            let ownerField = owner.map { #", "owner": "\#($0)""# } ?? ""
            let account = try await app.send(.post, "/v1/accounts", #"{"name": "\#(name) corp"\#(ownerField)}"#).json["id"] as? String ?? ""
            let contact = try await app.send(
                .post,
                "/v1/contacts",
                #"{"account_id": "\#(account)", "name": "\#(name) buyer", "email": "buyer@\#(name).example"}"#
            )
            let deal = try await app.send(
                .post,
                "/v1/opportunities",
                #"{"account_id": "\#(account)", "name": "\#(name) deal", "amount": \#(name.count * 1000), "currency": "usd", "stage": "discovery"}"#
            )
            let supportCase = try await app.send(
                .post,
                "/v1/cases",
                #"{"account_id": "\#(account)", "subject": "\#(name) issue", "priority": "normal"}"#
            )
            let activity = try await app.send(.post, "/v1/activities", #"{"account_id": "\#(account)", "type": "meeting"}"#)
            try await ConsentTests.consent(
                app,
                #""contact_id": "\#(contact.json["id"] as? String ?? "")""#,
                "email",
                "marketing",
                "granted",
                at: "2026-03-01T00:00:00Z"
            )
            book[name] = [
                "account": account, "contact": contact.json["id"] as? String ?? "", "deal": deal.json["id"] as? String ?? "",
                "case": supportCase.json["id"] as? String ?? "", "activity": activity.json["id"] as? String ?? "",
            ]
        }
        return book
    }

    @Test func everyKeyReadsItselfAndNoSecret() async throws {
        try await TestApp.run { app in
            let rep = try await Self.key(app, #"{"name": "dana's pages", "scope": "write", "owner": "dana@seller.example"}"#)
            for (key, name, scope, owner) in [
                (TestApp.readKey, "reader", "read", nil), (TestApp.writeKey, "writer", "write", nil),
                (rep, "dana's pages", "write", "dana@seller.example"),
            ] {
                let reply = try await app.send(.get, "/v1/keys/current", key: key)
                #expect(reply.status == .ok && reply.json["name"] as? String == name && reply.json["scope"] as? String == scope)
                #expect(reply.json["owner"] as? String == owner && reply.json["secret"] == nil)
            }
            #expect(try await app.send(.get, "/v1/keys/current", key: nil).status == .unauthorized)
            #expect(try await app.send(.get, "/v1/keys/current", key: "tk_not_a_key").status == .unauthorized)
        }
    }

    @Test func keysAreMadeThroughTheAPI_withTheirSecretShownOnce_andRestrictedOnlyToReadOrWrite() async throws {
        try await TestApp.run { app in
            let made = try await app.send(.post, "/v1/keys", #"{"name": "dana", "scope": "write", "owner": "  dana@seller.example "}"#)
            #expect(made.status == .created)
            #expect(made.json["owner"] as? String == "dana@seller.example")
            #expect((made.json["secret"] as? String)?.isEmpty == false)
            let id = try #require(made.json["id"] as? String)
            let listed = try await app.send(.get, "/v1/keys")
            #expect(!listed.text.contains(made.json["secret"] as? String ?? "-"), "the secret is shown only once")
            #expect(listed.data.contains { $0["id"] as? String == id && $0["scope"] as? String == "write" })
            let before = try await app.snapshot()
            let refused: [(String, String)] = [
                (#"{"name": "x", "scope": "admin", "owner": "dana"}"#, "scope"), (#"{"name": "x", "scope": "export", "area": "support"}"#, "scope"),
                (#"{"name": "x", "scope": "read", "area": "billing"}"#, "area"), (#"{"scope": "read"}"#, "name"),
                (#"{"name": "x", "scope": "root"}"#, "scope"), (#"{"name": "x", "scope": "read", "owner": "  "}"#, "owner"),
            ]
            for (body, field) in refused {
                let reply = try await app.send(.post, "/v1/keys", body)
                #expect(reply.status == .unprocessableContent, "\(body): \(reply.text)")
                #expect(reply.errorFields.contains(field), "\(body): \(reply.text)")
            }
            #expect(try await app.send(.post, "/v1/keys", #"{"name": "x", "scope": "read"}"#, key: TestApp.writeKey).status == .forbidden)
            #expect(try await app.snapshot() == before)
            let secret = made.json["secret"] as? String ?? ""
            #expect(try await app.send(.get, "/v1/accounts", key: secret).status == .ok)
            let revoked = try await app.send(.post, "/v1/keys/\(id)/revoke")
            #expect(revoked.json["revoked_at"] is String)
            #expect(try await app.send(.get, "/v1/accounts", key: secret).status == .unauthorized)
            #expect(try await app.send(.post, "/v1/keys/key_unknown/revoke").status == .notFound)
        }
    }

    @Test func aKeyKeptToAnOwnerSeesAndChangesOnlyItsAccounts() async throws {
        try await TestApp.run { app in
            let book = try await Self.book(app)
            let dana = try await Self.key(app, #"{"name": "dana-crm", "scope": "write", "owner": "DANA@seller.example"}"#)
            let mine = book["dana"] ?? [:]
            let theirs = book["sam"] ?? [:]
            let ids = { (reply: TestReply) in reply.data.compactMap { $0["id"] as? String } }
            #expect(ids(try await app.send(.get, "/v1/accounts", key: dana)) == [mine["account"]])
            #expect(ids(try await app.send(.get, "/v1/contacts", key: dana)) == [mine["contact"]])
            #expect(ids(try await app.send(.get, "/v1/opportunities", key: dana)) == [mine["deal"]])
            #expect(ids(try await app.send(.get, "/v1/cases", key: dana)) == [mine["case"]])
            #expect(ids(try await app.send(.get, "/v1/activities", key: dana)) == [mine["activity"]])
            #expect(try await app.send(.get, "/v1/consents", key: dana).data.map { $0["contact_id"] as? String } == [mine["contact"]])
            let events = try await app.send(.get, "/v1/events?limit=500", key: dana).data
            #expect(!events.isEmpty && events.allSatisfy { $0["account_id"] as? String == mine["account"] })
            for list in ["usage", "contacts", "activities", "opportunities", "cases", "contracts", "payments", "tasks", "risks", "events"] {
                let filtered = try await app.send(.get, "/v1/\(list)?account_id=\(theirs["account"] ?? "")", key: dana)
                #expect(filtered.status == .ok && filtered.data.isEmpty, "another's account in a filter: \(list) \(filtered.text)")
            }
            #expect(try await app.send(.get, "/v1/consents?contact_id=\(theirs["contact"] ?? "")", key: dana).data.isEmpty)
            let pipeline = try await app.send(.get, "/v1/metrics/pipeline", key: dana).json
            #expect(pipeline["open_count"] as? Int == 1 && pipeline["open_pipeline_value"] as? Int == 4000, "only its deal")
            #expect(try await app.send(.get, "/v1/metrics/pipeline", key: TestApp.readKey).json["open_count"] as? Int == 3)

            // Another's ids: 404 in a path (as if they did not exist), 422 in a body; nothing stored, audited or logged.
            let before = try await app.snapshot()
            let unknownContact = try await app.send(.get, "/v1/contacts/con_does_not_exist", key: dana)
            for path in [
                "/v1/accounts/\(theirs["account"] ?? "")", "/v1/accounts/\(theirs["account"] ?? "")/timeline",
                "/v1/accounts/\(theirs["account"] ?? "")/health", "/v1/contacts/\(theirs["contact"] ?? "")",
                "/v1/contacts/\(theirs["contact"] ?? "")/contactability?channel=email&purpose=marketing",
                "/v1/opportunities/\(theirs["deal"] ?? "")", "/v1/cases/\(theirs["case"] ?? "")", "/v1/accounts/\(book["nobody"]?["account"] ?? "")",
            ] {
                let reply = try await app.send(.get, path, key: dana)
                #expect(reply.status == .notFound, "\(path): \(reply.text)")
                #expect(reply.json["type"] as? String == unknownContact.json["type"] as? String)
            }
            let writes: [(HTTPRequest.Method, String, String, Int, String?)] = [
                (.patch, "/v1/contacts/\(theirs["contact"] ?? "")", #"{"title": "CFO"}"#, 404, nil),
                (.post, "/v1/opportunities/\(theirs["deal"] ?? "")/stage", #"{"stage": "proposal"}"#, 404, nil),
                (.post, "/v1/cases/\(theirs["case"] ?? "")/respond", "{}", 404, nil),
                (.post, "/v1/activities", #"{"account_id": "\#(theirs["account"] ?? "")", "type": "call"}"#, 422, "account_id"),
                (.post, "/v1/contacts", #"{"account_id": "\#(theirs["account"] ?? "")", "name": "Spy"}"#, 422, "account_id"),
                (
                    .post, "/v1/opportunities",
                    #"{"account_id": "\#(theirs["account"] ?? "")", "name": "x", "amount": 1, "currency": "usd", "stage": "discovery"}"#, 422,
                    "account_id"
                ),
                (.post, "/v1/cases", #"{"account_id": "\#(theirs["account"] ?? "")", "subject": "x", "priority": "low"}"#, 422, "account_id"),
                (
                    .post, "/v1/consents",
                    #"{"contact_id": "\#(theirs["contact"] ?? "")", "channel": "sms", "purpose": "service", "status": "granted", "source": {"kind": "verbal"}}"#,
                    422, "contact_id"
                ),
                (.post, "/v1/accounts/\(mine["account"] ?? "")/merge", #"{"source_id": "\#(theirs["account"] ?? "")"}"#, 422, "source_id"),
                (.post, "/v1/accounts", #"{"name": "Theirs", "owner": "sam@seller.example"}"#, 422, "owner"),
                (.patch, "/v1/accounts/\(mine["account"] ?? "")", #"{"owner": "sam@seller.example"}"#, 422, "owner"),
            ]
            for (method, path, body, status, field) in writes {
                let reply = try await app.send(method, path, body, key: dana)
                #expect(reply.status.code == status, "\(method) \(path): \(reply.text)")
                if let field { #expect(reply.errorFields == [field], "\(path): \(reply.text)") }
            }
            for path in [
                "/v1/metrics/revenue", "/v1/metrics/summary", "/v1/metrics/ltv", "/v1/metrics/cohorts",
                "/v1/contactability?email=a@b.example&channel=email&purpose=marketing",
            ] {
                #expect(try await app.send(.get, path, key: dana).status == .forbidden, "\(path)")
            }
            #expect(try await app.send(.post, "/v1/acquisition-spend", #"{"month": "2026-01", "amount": 1}"#, key: dana).status == .forbidden)
            #expect(try await app.send(.get, "/v1/audit-log", key: dana).status == .forbidden)
            #expect(try await app.snapshot() == before, "a 4xx writes no record, no audit entry, no access-log entry")

            // What it makes is its owner's; what it changes is its own.
            let created = try await app.send(.post, "/v1/accounts", #"{"name": "New logo"}"#, key: dana)
            #expect(created.json["owner"] as? String == "DANA@seller.example")
            let kept = try await app.send(.post, "/v1/accounts", #"{"name": "Other logo", "owner": "dana@SELLER.example"}"#, key: dana)
            #expect(kept.status == .created)
            #expect(try await app.send(.patch, "/v1/contacts/\(mine["contact"] ?? "")", #"{"title": "CFO"}"#, key: dana).status == .ok)
            #expect(try await app.send(.get, "/v1/accounts", key: dana).data.count == 3)
            // Its idempotency keys are its own: another key's replay of the same key runs anew.
            let body = #"{"name": "Replayed"}"#
            let first = try await app.send(.post, "/v1/accounts", body, key: dana, headers: [.idempotencyKey: "same-key"])
            let other = try await app.send(.post, "/v1/accounts", body, key: TestApp.writeKey, headers: [.idempotencyKey: "same-key"])
            #expect(first.json["id"] as? String != other.json["id"] as? String)
        }
    }

    @Test func aSupportKeyReachesCasesAndTheSupportMetricsOnly() async throws {
        try await TestApp.run { app in
            let book = try await Self.book(app)
            let support = try await Self.key(app, #"{"name": "helpdesk", "scope": "write", "area": "support"}"#)
            #expect(try await app.send(.get, "/v1/cases", key: support).data.count == 3)
            #expect(try await app.send(.get, "/v1/metrics/support", key: support).status == .ok)
            #expect(try await app.send(.post, "/v1/cases/\(book["sam"]?["case"] ?? "")/respond", "{}", key: support).status == .ok)
            for path in ["/v1/accounts", "/v1/contacts", "/v1/metrics/pipeline", "/v1/consents", "/v1/events"] {
                #expect(try await app.send(.get, path, key: support).status == .forbidden, "\(path)")
            }
            #expect(try await app.send(.post, "/v1/accounts", #"{"name": "x"}"#, key: support).status == .forbidden)
            // Both at once: the owner's cases only.
            let both = try await Self.key(app, #"{"name": "dana-support", "scope": "read", "owner": "dana@seller.example", "area": "support"}"#)
            #expect(try await app.send(.get, "/v1/cases", key: both).data.compactMap { $0["id"] as? String } == [book["dana"]?["case"]])
            let metrics = try await app.send(.get, "/v1/metrics/support?from=2020-01-01", key: both).json
            #expect(metrics["cases_opened"] as? Int == 1)
        }
    }
}
