import Foundation
import HTTPTypes
import TenureCore
import Testing

/// PRIVACY.md, "Consent": records, the state they give at any instant (the chapter's worked example), the contacts made
/// in spite of a withdrawal, and the log of who read them.
@Suite(.temporaryFolder) struct ConsentTests {
    /// A contact at a new account; its id.
    static func contact(_ app: TestApp, _ name: String, email: String) async throws -> String {
        let account = try await app.createAccount("\(name) Holdings")
        let reply = try await app.send(.post, "/v1/contacts", #"{"account_id": "\#(account)", "name": "\#(name)", "email": "\#(email)"}"#)
        try #require(reply.status == .created, "\(reply.text)")
        return try #require(reply.json["id"] as? String)
    }

    @discardableResult
    static func consent(
        _ app: TestApp,
        _ subject: String,
        _ channel: String,
        _ purpose: String,
        _ status: String,
        at: String,
        kind: String = "form"
    ) async throws -> String {
        let body = #"""
            {\#(subject), "channel": "\#(channel)", "purpose": "\#(purpose)", "status": "\#(status)", "occurred_at": "\#(at)",
             "source": {"kind": "\#(kind)", "detail": "/pricing", "campaign": "autumn-launch"}}
            """#
        let reply = try await app.send(.post, "/v1/consents", body, key: TestApp.writeKey)
        try #require(reply.status == .created, "\(reply.text)")
        return try #require(reply.json["id"] as? String)
    }

    /// The chapter's worked example with other names and ids: the records' ids by role.
    static func example(_ app: TestApp, contact: String) async throws -> [String: String] {
        let subject = #""contact_id": "\#(contact)""#
        return [
            "email": try await consent(app, subject, "email", "marketing", "granted", at: "2026-03-01T10:00:00Z"),
            "sms": try await consent(app, subject, "sms", "marketing", "granted", at: "2026-03-01T10:00:00Z"),
            "unsubscribe": try await consent(app, subject, "email", "marketing", "withdrawn", at: "2026-03-05T09:00:00Z", kind: "unsubscribe_link"),
            "sms_again": try await consent(app, subject, "sms", "marketing", "granted", at: "2026-03-07T12:00:00Z"),
        ]
    }

    @Test func theWorkedExample_throughTheAPI() async throws {
        try await TestApp.run { app in
            let contact = try await Self.contact(app, "Odile Marchetti", email: "Odile.Marchetti@Lanterns.example")
            let ids = try await Self.example(app, contact: contact)
            let cases: [(String, String, String, Bool, String, String?)] = [
                ("sms", "marketing", "2026-03-05T08:59:00Z", true, "granted", ids["sms"]),
                ("sms", "marketing", "2026-03-05T09:00:00Z", false, "withdrawn", ids["unsubscribe"]),
                ("sms", "marketing", "2026-03-08T00:00:00Z", true, "granted", ids["sms_again"]),
                ("phone", "marketing", "2026-03-08T00:00:00Z", false, "withdrawn", ids["unsubscribe"]),
                ("email", "product_updates", "2026-03-08T00:00:00Z", false, "no_record", nil),
            ]
            for (channel, purpose, asOf, allowed, reason, deciding) in cases {
                for path in [
                    "/v1/contacts/\(contact)/contactability?channel=\(channel)&purpose=\(purpose)&as_of=\(asOf)",
                    "/v1/contactability?email=odile.marchetti%40lanterns.example&channel=\(channel)&purpose=\(purpose)&as_of=\(asOf)",
                ] {
                    let reply = try await app.send(.get, path, key: TestApp.readKey)
                    #expect(reply.status == .ok, "\(reply.text)")
                    #expect(reply.json["allowed"] as? Bool == allowed, "\(channel) \(purpose) \(asOf)")
                    #expect(reply.json["reason"] as? String == reason, "\(channel) \(purpose) \(asOf)")
                    #expect((reply.json["deciding"] as? [String: Any])?["id"] as? String == deciding, "\(channel) \(purpose) \(asOf)")
                    #expect(reply.json["contact_id"] as? String == contact)
                    #expect(reply.json["email"] as? String == "odile.marchetti@lanterns.example")
                    #expect(reply.json["as_of"] as? String == asOf)
                }
            }
            // A record about the contact carries its email; the list is oldest occurred_at first, whatever the order sent.
            let backfilled = try await Self.consent(
                app,
                #""email": "ODILE.marchetti@lanterns.example""#,
                "post",
                "service",
                "granted",
                at: "2026-02-01T00:00:00Z"
            )
            let listed = try await app.send(.get, "/v1/consents?contact_id=\(contact)", key: TestApp.readKey).data
            #expect(listed.compactMap { $0["id"] as? String } == [backfilled, ids["email"], ids["sms"], ids["unsubscribe"], ids["sms_again"]])
            #expect(listed.allSatisfy { $0["email"] as? String == "odile.marchetti@lanterns.example" })
            // Page by page, in the same order.
            var paged: [String] = []
            var cursor: String?
            repeat {
                let path = "/v1/consents?contact_id=\(contact)&limit=2" + (cursor.map { "&cursor=\($0)" } ?? "")
                let page = try await app.send(.get, path, key: TestApp.readKey)
                paged += page.data.compactMap { $0["id"] as? String }
                cursor = page.json["next_cursor"] as? String
            } while cursor != nil
            #expect(paged == listed.compactMap { $0["id"] as? String })
            let withdrawals = try await app.send(.get, "/v1/consents?email=odile.marchetti@lanterns.example&status=withdrawn", key: TestApp.readKey)
            #expect(withdrawals.data.compactMap { $0["id"] as? String } == [ids["unsubscribe"]])
            let one = try await app.send(.get, "/v1/consents/\(ids["unsubscribe"] ?? "")", key: TestApp.readKey).json
            #expect(one["object"] as? String == "consent")
            #expect((one["source"] as? [String: Any])?["kind"] as? String == "unsubscribe_link")
            #expect(one["recorded_at"] is String)
        }
    }

    /// The outbound activity of `type` to the contact at `at` for `purpose`; its id.
    static func reach(
        _ app: TestApp,
        account: String,
        contact: String,
        _ type: String,
        at: String,
        purpose: String = "marketing"
    ) async throws
        -> String
    {
        let body = #"""
            {"account_id": "\#(account)", "contact_id": "\#(contact)", "type": "\#(type)", "direction": "outbound", "occurred_at": "\#(at)",
             "purpose": "\#(purpose)", "subject": "Autumn offer"}
            """#
        let reply = try await app.send(.post, "/v1/activities", body, key: TestApp.writeKey)
        try #require(reply.status == .created, "\(reply.text)")
        return try #require(reply.json["id"] as? String)
    }

    @Test func aContactMoreThan24HoursAfterAWithdrawalIsAViolation_storedAsUsual() async throws {
        try await TestApp.run { app in
            let contact = try await Self.contact(app, "Piet Vandersloot", email: "piet@dunes.example")
            let account = try await app.send(.get, "/v1/contacts/\(contact)").json["account_id"] as? String ?? ""
            let ids = try await Self.example(app, contact: contact)
            let onTime = try await Self.reach(app, account: account, contact: contact, "sms", at: "2026-03-06T09:00:00Z")
            let late = try await Self.reach(app, account: account, contact: contact, "sms", at: "2026-03-06T09:00:01Z")
            let call = try await Self.reach(app, account: account, contact: contact, "call", at: "2026-03-08T15:00:00Z")
            _ = try await Self.reach(app, account: account, contact: contact, "sms", at: "2026-03-08T15:00:00Z")
            _ = try await Self.reach(app, account: account, contact: contact, "email", at: "2026-03-09T15:00:00Z", purpose: "service")
            #expect(try await app.send(.get, "/v1/activities?contact_id=\(contact)").data.count == 5, "stored as usual")
            let violations = try await app.send(.get, "/v1/privacy/violations?contact_id=\(contact)", key: TestApp.readKey).data
            #expect(violations.compactMap { $0["activity_id"] as? String } == [late, call])
            #expect(!violations.contains { $0["activity_id"] as? String == onTime }, "exactly 24 h after is no violation")
            let first = try #require(violations.first)
            #expect(first["channel"] as? String == "sms")
            #expect(first["purpose"] as? String == "marketing")
            #expect(first["activity_type"] as? String == "sms")
            #expect(first["consent_id"] as? String == ids["unsubscribe"])
            #expect(first["withdrawn_at"] as? String == "2026-03-05T09:00:00Z")
            #expect(first["withdrawn_channel"] as? String == "email")
            #expect(first["account_id"] as? String == account)
            #expect(abs((first["hours_after_withdrawal"] as? Double ?? 0) - 24.000277777) < 1e-6)
            #expect(violations.last?["channel"] as? String == "phone")
            let window = try await app.send(.get, "/v1/privacy/violations?from=2026-03-07T00:00:00Z&to=2026-03-09T00:00:00Z", key: TestApp.readKey)
            #expect(window.data.compactMap { $0["activity_id"] as? String } == [call])
            let elsewhere = try await app.send(.get, "/v1/privacy/violations?account_id=acc_none", key: TestApp.readKey)
            #expect(elsewhere.status == .ok && elsewhere.data.isEmpty)
            // An email or a call without a purpose given is sales outreach; other types have none.
            let meeting = try await app.send(.post, "/v1/activities", #"{"account_id": "\#(account)", "type": "meeting"}"#).json
            let email = try await app.send(.post, "/v1/activities", #"{"account_id": "\#(account)", "type": "email"}"#).json
            #expect(meeting["purpose"] is NSNull)
            #expect(email["purpose"] as? String == "sales_outreach")
        }
    }

    @Test func badConsentsAreRefusedNamingTheField_andStoreNothing() async throws {
        try await TestApp.run { app in
            let contact = try await Self.contact(app, "Rhea Lindqvist", email: "rhea@fjords.example")
            let source = #""source": {"kind": "form"}"#
            let refused: [(String, String)] = [
                (#"{"channel": "email", "purpose": "marketing", "status": "granted", \#(source)}"#, "contact_id"),
                (#"{"email": "not-an-email", "channel": "email", "purpose": "marketing", "status": "granted", \#(source)}"#, "email"),
                (#"{"email": "a@b.example", "channel": "fax", "purpose": "marketing", "status": "granted", \#(source)}"#, "channel"),
                (#"{"email": "a@b.example", "channel": "email", "purpose": "all", "status": "granted", \#(source)}"#, "purpose"),
                (#"{"email": "a@b.example", "channel": "email", "purpose": "surveys", "status": "withdrawn", \#(source)}"#, "purpose"),
                (#"{"email": "a@b.example", "channel": "email", "purpose": "marketing", "status": "maybe", \#(source)}"#, "status"),
                (#"{"email": "a@b.example", "channel": "email", "purpose": "marketing", "status": "granted"}"#, "source"),
                (
                    #"{"email": "a@b.example", "channel": "email", "purpose": "marketing", "status": "granted", "source": {"kind": "fax"}}"#,
                    "source.kind"
                ),
                (
                    #"{"email": "a@b.example", "channel": "email", "purpose": "marketing", "status": "granted", "source": {"detail": "x"}}"#,
                    "source.kind"
                ),
                (
                    #"{"email": "a@b.example", "channel": "email", "purpose": "marketing", "status": "granted", "source": {"kind": "page", "detail": "\#(String(repeating: "d", count: 501))"}}"#,
                    "source.detail"
                ),
                (
                    #"{"email": "a@b.example", "channel": "email", "purpose": "marketing", "status": "granted", "source": {"kind": "page", "campaign": "\#(String(repeating: "c", count: 201))"}}"#,
                    "source.campaign"
                ),
                (
                    #"{"email": "a@b.example", "channel": "email", "purpose": "marketing", "status": "granted", \#(source), "occurred_at": "2099-01-01T00:00:00Z"}"#,
                    "occurred_at"
                ),
                (#"{"contact_id": "con_nobody", "channel": "email", "purpose": "marketing", "status": "granted", \#(source)}"#, "contact_id"),
                (
                    #"{"contact_id": "\#(contact)", "email": "someone.else@fjords.example", "channel": "email", "purpose": "marketing", "status": "granted", \#(source)}"#,
                    "email"
                ),
            ]
            let before = try await app.snapshot()
            for (body, field) in refused {
                let reply = try await app.send(.post, "/v1/consents", body, key: TestApp.writeKey)
                #expect(reply.status == .unprocessableContent, "\(body): \(reply.text)")
                #expect(reply.errorFields.contains(field), "\(body): \(reply.text)")
            }
            let wrongType = try await app.send(
                .post,
                "/v1/consents",
                #"{"email": "a@b.example", "channel": 5, "purpose": "marketing"}"#,
                key: TestApp.writeKey
            )
            #expect(wrongType.status.code == 400 || wrongType.status.code == 422, "\(wrongType.text)")
            #expect(try await app.send(.post, "/v1/consents", "{not json", key: TestApp.writeKey).status == .badRequest)
            #expect(try await app.send(.post, "/v1/consents", #"{"email": "a@b.example"}"#, key: TestApp.readKey).status == .forbidden)
            let id = try await Self.consent(app, #""contact_id": "\#(contact)""#, "email", "marketing", "granted", at: "2026-03-01T00:00:00Z")
            let stored = try await app.snapshot()
            for method in [HTTPRequest.Method.patch, .delete, .put] {
                #expect(try await app.send(method, "/v1/consents/\(id)", #"{"status": "withdrawn"}"#).status == .methodNotAllowed, "append-only")
            }
            #expect(try await app.send(.get, "/v1/consents/cns_unknown").status == .notFound)
            let questions: [(String, Int, String?)] = [
                ("/v1/contacts/con_unknown/contactability?channel=email&purpose=marketing", 404, nil),
                ("/v1/contacts/\(contact)/contactability?purpose=marketing", 422, "channel"),
                ("/v1/contacts/\(contact)/contactability?channel=email", 422, "purpose"),
                ("/v1/contacts/\(contact)/contactability?channel=email&purpose=all", 422, "purpose"),
                ("/v1/contacts/\(contact)/contactability?channel=pigeon&purpose=marketing", 422, "channel"),
                ("/v1/contacts/\(contact)/contactability?channel=email&purpose=marketing&as_of=2099-01-01", 422, "as_of"),
                ("/v1/contactability?channel=email&purpose=marketing", 422, "email"),
                ("/v1/contactability?email=nope&channel=email&purpose=marketing", 422, "email"),
                ("/v1/consents?channel=pigeon", 422, "channel"),
            ]
            for (path, status, field) in questions {
                let reply = try await app.send(.get, path, key: TestApp.readKey)
                #expect(reply.status.code == status, "\(path): \(reply.text)")
                if let field { #expect(reply.errorFields == [field], "\(path): \(reply.text)") }
            }
            #expect(try await app.snapshot() == stored, "a refused question stores nothing, not even an access-log entry")
            #expect(before.count < stored.count)
            let unknown = try await app.send(
                .get,
                "/v1/contactability?email=stranger%40nowhere.example&channel=sms&purpose=service",
                key: TestApp.readKey
            )
            #expect(unknown.json["reason"] as? String == "no_record")
            #expect(unknown.json["contact_id"] is NSNull)
        }
    }

    @Test func everyReadOfPersonalDataIsLogged_withoutAnEmail_andOnlyAnAdminReadsTheLog() async throws {
        try await TestApp.run { app in
            let contact = try await Self.contact(app, "Sunniva Aas", email: "sunniva@north.example")
            let consent = try await Self.consent(app, #""contact_id": "\#(contact)""#, "email", "marketing", "granted", at: "2026-03-01T00:00:00Z")
            #expect(try await app.send(.get, "/v1/contacts?email=sunniva@north.example", key: TestApp.readKey).data.count == 1)
            #expect(try await app.send(.get, "/v1/contacts/\(contact)", key: TestApp.readKey).status == .ok)
            #expect(try await app.send(.get, "/v1/consents", key: TestApp.writeKey).data.count == 1)
            #expect(try await app.send(.get, "/v1/consents/\(consent)", key: TestApp.readKey).status == .ok)
            #expect(try await app.send(.get, "/v1/contacts/con_missing", key: TestApp.readKey).status == .notFound)
            let log = try await app.send(.get, "/v1/access-log")
            try #require(log.status == .ok, "\(log.text)")
            let rows = log.data.map { [$0["key_name"], $0["action"], $0["resource"], $0["resource_id"], $0["count"]].map { "\($0 ?? "")" } }
            #expect(
                rows == [
                    ["reader", "consent.get", "consent", consent, "1"],
                    ["writer", "consent.list", "consent", "<null>", "1"],
                    ["reader", "contact.get", "contact", contact, "1"],
                    ["reader", "contact.list", "contact", "<null>", "1"],
                ]
            )
            #expect(!log.text.contains("sunniva"), "never an email")
            let filtered = try await app.send(.get, "/v1/access-log?key_name=reader&action=contact.get")
            #expect(filtered.data.count == 1)
            #expect(try await app.send(.get, "/v1/access-log?resource_id=\(consent)").data.count == 1)
            // A CSV export is one entry, whatever pages it reads.
            _ = try await Self.contact(app, "Ylva Berg", email: "ylva@north.example")
            let export = try await app.send(.get, "/v1/contacts?limit=1", key: TestApp.exportKey, headers: [.accept: "text/csv"])
            #expect(export.status == .ok)
            #expect(export.text.split(separator: "\r\n").count == 3, "a header and two rows")
            let exported = try await app.send(.get, "/v1/access-log?key_name=exporter").data
            #expect(exported.map { "\($0["action"] ?? "") \($0["resource"] ?? "") \($0["count"] ?? "")" } == ["export.csv contact 2"])
            #expect(try await app.send(.get, "/v1/access-log", key: TestApp.readKey).status == .forbidden)
            #expect(try await app.send(.get, "/v1/access-log", key: TestApp.writeKey).status == .forbidden)
        }
    }
}
