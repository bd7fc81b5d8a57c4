import Foundation
import HTTPTypes
import TenureTestSupport
import Testing

@Suite(.temporaryFolder) struct ContactTests {
    @Test func roleDefaultsFromTitleAndExplicitRoleWins() async throws {
        try await TestApp.run { app in
            let account = try await app.createAccount("Acme")
            let vp = try await app.send(.post, "/v1/contacts", #"{"account_id": "\#(account)", "name": "Ann", "title": "VP of Engineering"}"#)
            #expect(vp.json["role"] as? String == "executive")
            #expect(vp.json["relationship_strength"] as? String == "none")
            let engineer = try await app.send(
                .post,
                "/v1/contacts",
                #"{"account_id": "\#(account)", "name": "Bo", "title": "Senior Software Engineer"}"#
            )
            #expect(engineer.json["role"] as? String == "user")
            let other = try await app.send(.post, "/v1/contacts", #"{"account_id": "\#(account)", "name": "Cy", "title": "CEO", "role": "other"}"#)
            #expect(other.json["role"] as? String == "other")
            let id = try #require(engineer.json["id"] as? String)
            let promoted = try await app.send(.patch, "/v1/contacts/\(id)", #"{"title": "Head of Platform", "relationship_strength": "strong"}"#)
            #expect(promoted.json["role"] as? String == "executive", "a derived role follows a new title")
            #expect(promoted.json["relationship_strength"] as? String == "strong")
        }
    }

    @Test func emailIsUniquePerAccountCaseInsensitively() async throws {
        try await TestApp.run { app in
            let acme = try await app.createAccount("Acme")
            let globex = try await app.createAccount("Globex")
            let first = try await app.send(.post, "/v1/contacts", #"{"account_id": "\#(acme)", "name": "Dana", "email": "dana@acme.com"}"#)
            let duplicate = try await app.send(.post, "/v1/contacts", #"{"account_id": "\#(acme)", "name": "D", "email": "DANA@Acme.com"}"#)
            #expect(duplicate.status == .conflict)
            #expect(duplicate.json["existing_id"] as? String == first.json["id"] as? String)
            #expect(
                try await app.send(.post, "/v1/contacts", #"{"account_id": "\#(globex)", "name": "Dana", "email": "dana@acme.com"}"#).status
                    == .created
            )
        }
    }

    @Test func invalidContactsAreRefusedAndChangeNothing() async throws {
        try await TestApp.run { app in
            let account = try await app.createAccount("Acme")
            let before = try await app.snapshot()
            let invalid = try await app.send(
                .post,
                "/v1/contacts",
                #"{"account_id": "\#(account)", "email": "nope", "relationship_strength": "besties"}"#
            )
            #expect(invalid.status == .unprocessableContent)
            #expect(Set(invalid.errorFields) == ["name", "email", "relationship_strength"])
            let unknownAccount = try await app.send(.post, "/v1/contacts", #"{"account_id": "acc_missing", "name": "X"}"#)
            #expect(unknownAccount.errorFields == ["account_id"])
            #expect(try await app.send(.get, "/v1/contacts/con_missing").status == .notFound)
            #expect(try await app.snapshot() == before)
        }
    }

    @Test func lastContactedAtIsTheLatestLinkedActivityAsOf() async throws {
        try await TestApp.run { app in
            let account = try await app.createAccount("Acme")
            let contact = try await app.send(.post, "/v1/contacts", #"{"account_id": "\#(account)", "name": "Dana", "email": "dana@acme.com"}"#)
            let id = try #require(contact.json["id"] as? String)
            #expect(contact.json["last_contacted_at"] is NSNull)
            for day in ["2026-01-10", "2026-02-20"] {
                try await app.send(
                    .post,
                    "/v1/activities",
                    #"{"account_id": "\#(account)", "contact_id": "\#(id)", "type": "call", "occurred_at": "\#(day)T09:00:00Z"}"#
                )
            }
            #expect(try await app.send(.get, "/v1/contacts/\(id)").json["last_contacted_at"] as? String == "2026-02-20T09:00:00Z")
            #expect(try await app.send(.get, "/v1/contacts/\(id)?as_of=2026-02-01").json["last_contacted_at"] as? String == "2026-01-10T09:00:00Z")
            let listed = try await app.send(.get, "/v1/contacts?email=DANA@acme.com").data
            #expect(listed.first?["last_contacted_at"] as? String == "2026-02-20T09:00:00Z")
        }
    }
}
