import Foundation
import HTTPTypes
import TenureCore
import TenureServices
import Testing

/// PRIVACY.md, "Unsubscribe and preferences": signed keyless links, RFC 8058 one-click unsubscribe across channels, the
/// preference center, and every way a token can be wrong.
@Suite(.temporaryFolder) struct UnsubscribeTests {
    @Test func theChaptersTokenIsSignedAsItSays_andAnyOfTheSecretsVerifies() throws {
        let token = UnsubscribeToken(contactID: "con_01jq8z3m4xk2p7r9t5vw", purpose: .marketing)
        let expected = "con_01jq8z3m4xk2p7r9t5vw.marketing.IEEXOOzZcvrf4E-CsLkWfUhlNivdgIud8F7RMeAWm1w"
        #expect(token.signed(with: Array("s3cret".utf8)) == expected)
        #expect(UnsubscribeToken.verified(expected, secrets: [Array("newer".utf8), Array("s3cret".utf8)]) == token)
        #expect(UnsubscribeToken.verified(expected, secrets: [Array("newer".utf8)]) == nil)
        for bad in [
            expected.replacingOccurrences(of: "IEEX", with: "IEEY"), String(expected.dropLast(3)), expected + "=",
            expected.replacingOccurrences(of: ".marketing.", with: ".service."), "con_01jq8z3m4xk2p7r9t5vw.marketing", "",
            "con_x.marketing.\(expected.split(separator: ".")[2])",
        ] {
            #expect(UnsubscribeToken.verified(bad, secrets: [Array("s3cret".utf8)]) == nil, "\(bad)")
        }
    }

    static func arguments(secrets: [String] = ["fresh-key", "s3cret"]) -> TestArguments {
        var arguments = TestArguments()
        arguments.privacySecrets = PrivacySecrets(unsubscribe: secrets)
        return arguments
    }

    static func link(_ app: TestApp, _ contact: String, purpose: String) async throws -> [String: Any] {
        let reply = try await app.send(.get, "/v1/contacts/\(contact)/unsubscribe-link?purpose=\(purpose)", key: TestApp.readKey)
        try #require(reply.status == .ok, "\(reply.text)")
        return reply.json
    }

    static func state(_ app: TestApp, _ contact: String, _ channel: String, _ purpose: String) async throws -> String {
        let path = "/v1/contacts/\(contact)/contactability?channel=\(channel)&purpose=\(purpose)"
        return try await app.send(.get, path, key: TestApp.readKey).json["reason"] as? String ?? ""
    }

    @Test func oneClickWithdrawsThePurposeOnEveryChannel_once_withNoKey() async throws {
        try await TestApp.run(arguments: Self.arguments()) { app in
            let contact = try await ConsentTests.contact(app, "Tomasz Wierzba", email: "tomasz@ridge.example")
            try await ConsentTests.consent(app, #""contact_id": "\#(contact)""#, "sms", "marketing", "granted", at: "2026-02-01T00:00:00Z")
            let link = try await Self.link(app, contact, purpose: "marketing")
            let token = try #require(link["token"] as? String)
            #expect(token.hasPrefix("\(contact).marketing."))
            #expect(
                token == UnsubscribeToken(contactID: contact, purpose: .marketing).signed(with: Array("fresh-key".utf8)),
                "the first secret signs"
            )
            #expect(link["url"] as? String == "\(CRMDeliveries.publicURL)/v1/unsubscribe?token=\(token)")
            #expect(link["list_unsubscribe"] as? String == "<\(CRMDeliveries.publicURL)/v1/unsubscribe?token=\(token)>")
            #expect(link["list_unsubscribe_post"] as? String == "List-Unsubscribe=One-Click")

            let before = try await app.snapshot()
            let page = try await app.send(.get, "/v1/unsubscribe?token=\(token)", key: nil)
            #expect(page.status == .ok)
            #expect(page.headers[.contentType]?.hasPrefix("text/html") == true)
            #expect(page.text.contains("<form method=\"post\"") && page.text.contains("<button"))
            #expect(try await app.snapshot() == before, "opening the page changes nothing")

            let form: HTTPFields = [.contentType: "application/x-www-form-urlencoded"]
            let posted = try await app.send(.post, "/v1/unsubscribe?token=\(token)", "List-Unsubscribe=One-Click", key: nil, headers: form)
            #expect(posted.status == .ok, "\(posted.text)")
            #expect(posted.json as NSDictionary == ["status": "unsubscribed"])
            #expect(try await Self.state(app, contact, "sms", "marketing") == "withdrawn", "an email unsubscribe stops marketing SMS too")
            #expect(try await Self.state(app, contact, "phone", "marketing") == "withdrawn")
            let records = try await app.send(.get, "/v1/consents?contact_id=\(contact)&status=withdrawn", key: TestApp.readKey).data
            #expect(records.count == 1)
            #expect(records.first?["channel"] as? String == "email")
            #expect(records.first?["purpose"] as? String == "marketing")
            #expect((records.first?["source"] as? [String: Any])?["kind"] as? String == "unsubscribe_link")
            let audit = try await app.send(.get, "/v1/audit-log").data.first
            #expect(audit?["key_name"] as? String == "public")
            #expect(audit?["action"] as? String == "consent.create")

            let after = try await app.snapshot()
            let again = try await app.send(.post, "/v1/unsubscribe?token=\(token)", nil, key: nil)
            #expect(again.status == .ok)
            #expect(try await app.snapshot() == after, "the latest record of the purpose already withdraws: nothing stored")
        }
    }

    @Test func aTokenThatDoesNotVerifyOrNamesNoOneIs404_andChangesNothing() async throws {
        try await TestApp.run(arguments: Self.arguments()) { app in
            let contact = try await ConsentTests.contact(app, "Ines Carvalho", email: "ines@tagus.example")
            let token = try #require(try await Self.link(app, contact, purpose: "marketing")["token"] as? String)
            let center = try #require(try await Self.link(app, contact, purpose: "all")["token"] as? String)
            let old = UnsubscribeToken(contactID: contact, purpose: .marketing).signed(with: Array("s3cret".utf8))
            let stranger = UnsubscribeToken(contactID: "con_nobody", purpose: .marketing).signed(with: Array("fresh-key".utf8))
            let wrongSecret = UnsubscribeToken(contactID: contact, purpose: .marketing).signed(with: Array("guessed".utf8))
            let before = try await app.snapshot()
            for bad in [
                String(token.dropLast(4)), token.replacingOccurrences(of: ".marketing.", with: ".service."), wrongSecret, stranger, "",
                token + "x", "not-a-token",
            ] {
                let encoded = bad.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? bad
                for (method, path) in [(HTTPRequest.Method.post, "unsubscribe"), (.get, "unsubscribe"), (.get, "preferences")] {
                    let reply = try await app.send(method, "/v1/\(path)?token=\(encoded)", nil, key: nil)
                    #expect(reply.status == .notFound, "\(method) \(path) \(bad): \(reply.text)")
                }
            }
            #expect(try await app.send(.post, "/v1/unsubscribe", nil, key: nil).status == .notFound)
            #expect(try await app.send(.get, "/v1/preferences?token=\(token)", key: nil).status == .notFound, "not a preference-center token")
            let changes = #"{"changes": [{"channel": "sms", "purpose": "service", "status": "granted"}]}"#
            #expect(try await app.send(.post, "/v1/preferences?token=\(token)", changes, key: nil).status == .notFound)
            #expect(try await app.snapshot() == before)
            // A token signed with a secret still listed (rotation) works.
            #expect(try await app.send(.post, "/v1/unsubscribe?token=\(old)", nil, key: nil).status == .ok)
            #expect(try await app.send(.get, "/v1/preferences?token=\(center)", key: nil).status == .ok)
            #expect(try await app.send(.get, "/v1/contacts/con_nobody/unsubscribe-link?purpose=marketing", key: TestApp.readKey).status == .notFound)
            let noPurpose = try await app.send(.get, "/v1/contacts/\(contact)/unsubscribe-link", key: TestApp.readKey)
            #expect(noPurpose.status == .unprocessableContent && noPurpose.errorFields == ["purpose"])
            let badPurpose = try await app.send(.get, "/v1/contacts/\(contact)/unsubscribe-link?purpose=spam", key: TestApp.readKey)
            #expect(badPurpose.status == .unprocessableContent && badPurpose.errorFields == ["purpose"])
            #expect(try await app.send(.get, "/v1/contacts/\(contact)/unsubscribe-link?purpose=all", key: nil).status == .unauthorized)
        }
    }

    @Test func thePreferenceCenterShowsTwentyPairs_andRecordsEachChangeAllOrNone() async throws {
        try await TestApp.run(arguments: Self.arguments(secrets: [])) { app in
            let contact = try await ConsentTests.contact(app, "Mireille Dufour", email: "mireille@loire.example")
            try await ConsentTests.consent(app, #""contact_id": "\#(contact)""#, "email", "product_updates", "granted", at: "2026-02-01T00:00:00Z")
            let token = try #require(try await Self.link(app, contact, purpose: "all")["token"] as? String)
            let shown = try await app.send(.get, "/v1/preferences?token=\(token)", key: nil)
            #expect(shown.json["contact_id"] as? String == contact)
            #expect(shown.data.count == 20)
            #expect(
                shown.data.filter { $0["allowed"] as? Bool == true }.map { "\($0["channel"] ?? "")/\($0["purpose"] ?? "")" } == [
                    "email/product_updates"
                ]
            )
            let before = try await app.snapshot()
            let invalid =
                #"{"changes": [{"channel": "sms", "purpose": "service", "status": "granted"}, {"channel": "fax", "purpose": "all", "status": "granted"}]}"#
            let refused = try await app.send(.post, "/v1/preferences?token=\(token)", invalid, key: nil)
            #expect(refused.status == .unprocessableContent)
            #expect(refused.errorFields == ["changes[1].channel", "changes[1].purpose"])
            #expect(try await app.send(.post, "/v1/preferences?token=\(token)", "{}", key: nil).errorFields == ["changes"])
            #expect(try await app.snapshot() == before, "all or none")
            let body =
                #"{"changes": [{"channel": "sms", "purpose": "service", "status": "granted"}, {"channel": "post", "purpose": "product_updates", "status": "withdrawn"}]}"#
            let changed = try await app.send(.post, "/v1/preferences?token=\(token)", body, key: nil)
            #expect(changed.status == .ok, "\(changed.text)")
            let allowed = changed.data.filter { $0["allowed"] as? Bool == true }.map { "\($0["channel"] ?? "")/\($0["purpose"] ?? "")" }
            #expect(allowed == ["sms/service"], "the product-updates withdrawal, on post, stops them on email too")
            let records = try await app.send(.get, "/v1/consents?contact_id=\(contact)", key: TestApp.readKey).data
            #expect(records.suffix(2).allSatisfy { ($0["source"] as? [String: Any])?["kind"] as? String == "preference_center" })
            #expect(try await app.send(.get, "/v1/preferences?token=\(token)", key: nil).text == changed.text)
        }
    }
}
