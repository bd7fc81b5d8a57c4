import Foundation
import HTTPTypes
import TenureCore
import TenureServices
import Testing

/// PRIVACY.md, "Subject access" and "Erasure": one person found everywhere Tenure holds them, then taken out of every
/// copy while every figure answers byte for byte as before.
@Suite(.temporaryFolder) struct ErasureTests {
    static let email = "w.okonkwo@harbour.example"
    static let name = "Wilhelmina Okonkwo-Berg"
    static let phone = "+44 20 7946 0958"

    /// A paying customer with the person as a contact at it and at a second account, their consents, activities, a
    /// case, a survey, a Stripe delivery naming them, an event showing their case, a kept idempotent response.
    static func person(_ app: TestApp) async throws -> (account: String, contacts: [String], unrelated: String) {
        let (account, _) = try await EventLogTests.customer(app, "Harbour Freight", mrr: 42000, paidAt: "2026-02-03T00:00:00Z")
        try await app.send(.patch, "/v1/accounts/\(account)", #"{"stripe_customer_id": "cus_harbour7"}"#)
        let other = try await app.createAccount("Harbour Labs")
        let body = #"""
            {"account_id": "\#(account)", "name": "\#(name)", "email": "W.Okonkwo@Harbour.example", "title": "Head of Finance",
             "phone": "\#(phone)", "external_id": "hs-4471"}
            """#
        let first = try await app.send(.post, "/v1/contacts", body, headers: [.idempotencyKey: "okonkwo-signup"])
        try #require(first.status == .created, "\(first.text)")
        let second = try await app.send(
            .post,
            "/v1/contacts",
            #"{"account_id": "\#(other)", "name": "Mina Okonkwo", "email": "\#(email)"}"#
        )
        let contacts = [first.json["id"] as? String ?? "", second.json["id"] as? String ?? ""]
        try await ConsentTests.consent(app, #""contact_id": "\#(contacts[0])""#, "email", "marketing", "granted", at: "2026-02-01T00:00:00Z")
        try await ConsentTests.consent(app, #""email": "\#(email)""#, "sms", "marketing", "withdrawn", at: "2026-02-02T00:00:00Z")
        for (contact, subject) in [(contacts[0], "Renewal call with \(name)"), (nil, "Forwarded by \(email.uppercased())")] {
            let link = contact.map { #", "contact_id": "\#($0)""# } ?? ""
            let reply = try await app.send(
                .post,
                "/v1/activities",
                #"{"account_id": "\#(account)", "type": "call", "direction": "outbound", "subject": "\#(subject)"\#(link)}"#
            )
            try #require(reply.status == .created, "\(reply.text)")
        }
        let unrelated = try await app.send(.post, "/v1/activities", #"{"account_id": "\#(account)", "type": "note", "subject": "Quarterly plan"}"#)
        let supportCase = try await app.send(
            .post,
            "/v1/cases",
            #"{"account_id": "\#(account)", "contact_id": "\#(contacts[0])", "subject": "Invoice address for Wilhelmina", "priority": "high"}"#
        )
        try #require(supportCase.status == .created, "\(supportCase.text)")
        try await app.send(
            .post,
            "/v1/surveys",
            #"{"account_id": "\#(account)", "contact_id": "\#(contacts[0])", "kind": "nps", "score": 9, "comment": "Call me on \#(phone)"}"#
        )
        var invoice = StripeFixture.invoice("in_harbour1", customer: "cus_harbour7", paid: 42000)
        invoice["customer_email"] = email
        invoice["customer_name"] = name
        invoice["customer_phone"] = phone
        let delivered = try await app.stripe(StripeFixture.event("evt_harbour_paid", "invoice.paid", created: "2026-03-03T00:00:00Z", invoice))
        try #require(delivered.status == .ok, "\(delivered.text)")
        // Rendered, so the case's subject is frozen in the log.
        _ = try await EventLogTests.events(app, "&type=case.opened")
        return (account, contacts, unrelated.json["id"] as? String ?? "")
    }

    /// Every figure an erasure must not move, as the API answers it at fixed instants.
    static func figures(_ app: TestApp, account: String) async throws -> [String] {
        let paths = [
            "/v1/metrics/revenue?from=2026-01&to=2026-11", "/v1/metrics/summary?as_of=2026-11-30T00:00:00Z",
            "/v1/metrics/support?from=2026-01-01&to=2026-11-30", "/v1/metrics/pipeline?from=2026-01-01&to=2026-11-30",
            "/v1/metrics/ltv?as_of=2026-11-30T00:00:00Z", "/v1/accounts/\(account)?as_of=2026-11-30T00:00:00Z",
            "/v1/accounts/\(account)/health", "/v1/customers?as_of=2026-11-30T00:00:00Z", "/v1/health",
        ]
        var answers: [String] = []
        for path in paths {
            let reply = try await app.send(.get, path, key: TestApp.readKey)
            answers.append("\(path) \(reply.status.code) \(reply.text)")
        }
        return answers
    }

    @Test func subjectAccessListsThePersonEverywhere_thenErasureTakesThemOutOfEveryCopy_andNoFigureMoves() async throws {
        // Time stands still (Stripe's signatures are checked against it), so that a live figure is the same twice.
        var arguments = TestArguments()
        let now = Date()
        arguments.clock = TenureServices.Clock { now }
        try await TestApp.run(arguments: arguments) { app in
            let (account, contacts, unrelated) = try await Self.person(app)
            try await app.send(.post, "/v1/health/evaluate")
            let access = try await app.send(.get, "/v1/privacy/subjects?email=W.OKONKWO%40harbour.example")
            try #require(access.status == .ok, "\(access.text)")
            let subject = access.json
            #expect(subject["email"] as? String == Self.email)
            let hash = try #require(subject["subject_hash"] as? String)
            #expect(hash.count == 64 && hash.allSatisfy(\.isHexDigit))
            let ids = { (key: String) in (subject[key] as? [[String: Any]] ?? []).compactMap { $0["id"] as? String } }
            #expect(ids("contacts") == contacts)
            #expect(ids("consents").count == 2)
            #expect(ids("activities").count == 2, "the linked one and the one mentioning the email")
            #expect(!ids("activities").contains(unrelated))
            #expect(ids("cases").count == 1)
            #expect(ids("surveys").count == 1)
            let deliveries = subject["webhook_events"] as? [[String: Any]] ?? []
            #expect(deliveries.count == 1)
            #expect((deliveries.first?["payload"] as? String)?.contains(Self.email) == true)
            let audited = (subject["audit_log"] as? [[String: Any]] ?? []).compactMap { $0["action"] as? String }
            #expect(audited.contains("contact.create") && audited.contains("consent.create") && audited.contains("case.create"))
            let logged = try await app.send(.get, "/v1/access-log?action=privacy.subject_access").data.first
            #expect(logged?["resource_id"] as? String == hash)
            #expect(logged?["count"] as? Int == contacts.count + 2 + 2 + 1 + 1 + 1 + audited.count)

            let before = try await Self.figures(app, account: account)
            let erased = try await app.send(.post, "/v1/privacy/erasures", #"{"email": "\#(Self.email)"}"#)
            try #require(erased.status == .ok, "\(erased.text)")
            #expect(erased.json["subject_hash"] as? String == hash)
            #expect(erased.json["erased_at"] is String)
            #expect(
                erased.json["counts"] as? NSDictionary == [
                    "contacts": 2, "consents": 2, "activities": 2, "surveys": 1, "cases": 1, "webhook_events": 1, "leads": 0,
                ]
            )
            #expect(try await Self.figures(app, account: account) == before, "every figure answers byte for byte as before")

            // Nowhere in any table, bookkeeping included: not the email, the name, the phone.
            let stored = try await app.database.everything().lowercased()
            for needle in [Self.email, Self.name.lowercased(), Self.phone, "hs-4471", "invoice address for wilhelmina"] {
                #expect(!stored.contains(needle), "\(needle) is still stored")
            }
            let contact = try await app.send(.get, "/v1/contacts/\(contacts[0])").json
            #expect(contact["name"] as? String == "[redacted]")
            #expect(contact["title"] as? String == "[redacted]")
            #expect(contact["email"] is NSNull && contact["phone"] is NSNull && contact["external_id"] is NSNull)
            #expect(contact["erased_at"] is String)
            #expect(contact["role"] as? String == "executive", "role, strength and links stay")
            #expect(try await app.send(.patch, "/v1/contacts/\(contacts[0])", #"{"title": "CFO"}"#).status == .conflict)
            let consent =
                #"{"contact_id": "\#(contacts[0])", "channel": "email", "purpose": "service", "status": "granted", "source": {"kind": "form"}}"#
            #expect(try await app.send(.post, "/v1/consents", consent).status == .conflict)
            let kept = try await app.send(.get, "/v1/consents?contact_id=\(contacts[0])").data
            #expect(kept.count == 1, "the contact's record stays; the email-only one is gone")
            #expect(kept.first?["email"] is NSNull)
            #expect((kept.first?["source"] as? [String: Any])?["detail"] as? String == "[redacted]")
            let activities = try await app.send(.get, "/v1/activities?account_id=\(account)").data
            #expect(activities.compactMap { $0["subject"] as? String }.sorted() == ["Quarterly plan", "[redacted]", "[redacted]"])
            let caseEvent = try await EventLogTests.events(app, "&type=case.opened").first
            #expect(((caseEvent?["data"] as? [String: Any])?["object"] as? [String: Any])?["subject"] as? String == "[redacted]")
            let delivery = try await app.send(.get, "/v1/webhook-events?source=stripe").data.first?["id"] as? String ?? ""
            let payload = try await app.send(.get, "/v1/webhook-events/\(delivery)").json["payload"] as? String ?? ""
            let invoice = (try JSONSerialization.jsonObject(with: Data(payload.utf8)) as? [String: Any])?["data"] as? [String: Any]
            let object = invoice?["object"] as? [String: Any]
            #expect(object?["customer_email"] as? String == "[redacted]")
            #expect(object?["customer_name"] as? String == "[redacted]")
            #expect(object?["customer_phone"] as? String == "[redacted]")
            #expect(object?["amount_paid"] as? Int == 42000, "the rest of the delivery stays")
            // The same again: nothing found. Subject access answers empty lists. The email is kept nowhere, even in the audit.
            let again = try await app.send(.post, "/v1/privacy/erasures", #"{"email": "\#(Self.email)"}"#).json
            #expect((again["counts"] as? [String: Int])?.values.allSatisfy { $0 == 0 } == true)
            let after = try await app.send(.get, "/v1/privacy/subjects?email=\(Self.email)").json
            for key in ["contacts", "consents", "activities", "surveys", "cases", "webhook_events", "audit_log"] {
                #expect((after[key] as? [Any])?.isEmpty == true, "\(key)")
            }
            let audit = try await app.send(.get, "/v1/audit-log?limit=5").data.filter { $0["action"] as? String == "privacy.erasure" }
            #expect(audit.count == 2 && audit.allSatisfy { $0["resource_id"] as? String == hash && $0["resource"] as? String == "privacy_subject" })
            // A new sign-up makes the person again, with a new id and no history.
            let signup = try await app.send(.post, "/v1/contacts", #"{"account_id": "\#(account)", "name": "W. O.", "email": "\#(Self.email)"}"#)
            #expect(signup.status == .created)
            #expect(!contacts.contains(signup.json["id"] as? String ?? ""))
        }
    }

    @Test func badErasureAndAccessRequestsAreRefused_andAnUnknownEmailFindsNothing() async throws {
        try await TestApp.run { app in
            let before = try await app.snapshot()
            for (body, status) in [("{}", 422), (#"{"email": "nope"}"#, 422), (#"{"email": 42}"#, 400), ("[", 400)] {
                let reply = try await app.send(.post, "/v1/privacy/erasures", body)
                #expect(reply.status.code == status, "\(body): \(reply.text)")
            }
            for key in [TestApp.readKey, TestApp.writeKey] {
                #expect(try await app.send(.post, "/v1/privacy/erasures", #"{"email": "a@b.example"}"#, key: key).status == .forbidden)
                #expect(try await app.send(.get, "/v1/privacy/subjects?email=a@b.example", key: key).status == .forbidden)
            }
            #expect(try await app.send(.get, "/v1/privacy/subjects").status == .unprocessableContent)
            #expect(try await app.send(.get, "/v1/privacy/subjects?email=nope").status == .unprocessableContent)
            #expect(try await app.snapshot() == before, "a 4xx stores nothing")
            let unknown = try await app.send(.post, "/v1/privacy/erasures", #"{"email": "nobody@nowhere.example"}"#)
            #expect(unknown.status == .ok)
            #expect((unknown.json["counts"] as? [String: Int])?.values.allSatisfy { $0 == 0 } == true)
            let empty = try await app.send(.get, "/v1/privacy/subjects?email=nobody@nowhere.example")
            #expect(empty.status == .ok && (empty.json["contacts"] as? [Any])?.isEmpty == true)
        }
    }
}
