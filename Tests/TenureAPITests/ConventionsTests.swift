import Foundation
import HTTPTypes
import SQLiteStore
import TenureCore
import TenureServices
import TenureTestSupport
import Testing

/// Every status code of `API.md`'s conventions, each triggered by a real request; every 4xx leaves the database as it was.
@Suite(.temporaryFolder) struct ConventionsTests {
    @Test func malformedJSONIsA400AndChangesNothing() async throws {
        try await TestApp.run { app in
            let before = try await app.snapshot()
            let reply = try await app.send(.post, "/v1/accounts", "{\"name\": \"Acme\",")
            #expect(reply.status == .badRequest)
            #expect(reply.headers[.contentType] == "application/problem+json")
            #expect(reply.json["type"] as? String == "https://tenure.dev/problems/malformed-request")
            #expect(reply.json["status"] as? Int == 400)
            for body in ["42", "[]", "\"Acme\""] {
                let notAnObject = try await app.send(.post, "/v1/accounts", body)
                #expect(
                    notAnObject.status == .badRequest && notAnObject.json["detail"] as? String == "The request body must be a JSON object.",
                    "\(body)"
                )
            }
            #expect(try await app.snapshot() == before)
        }
    }

    @Test func wrongTypeIsA400NamingTheField() async throws {
        try await TestApp.run { app in
            let before = try await app.snapshot()
            let reply = try await app.send(.post, "/v1/accounts", #"{"name": "Acme", "employee_count": "many"}"#)
            #expect(reply.status == .badRequest)
            #expect(reply.errorFields == ["employee_count"])
            #expect(try await app.snapshot() == before)
        }
    }

    @Test func malformedQueryIsA400() async throws {
        try await TestApp.run { (app: TestApp) async throws in
            #expect(try await app.send(.get, "/v1/accounts?limit=0").status == .badRequest)
            #expect(try await app.send(.get, "/v1/accounts?limit=501").status == .badRequest)
            #expect(try await app.send(.get, "/v1/accounts?cursor=not-a-cursor").status == .badRequest)
            #expect(try await app.send(.get, "/v1/accounts?segment=galactic").errorFields == ["segment"])
            #expect(try await app.send(.get, "/v1/accounts?as_of=yesterday").status == .badRequest)
        }
    }

    @Test func missingOrUnknownKeyIs401AndKnownKeyWithoutScopeIs403() async throws {
        try await TestApp.run { app in
            let before = try await app.snapshot()
            let missing = try await app.send(.get, "/v1/accounts", key: nil)
            #expect(missing.status == .unauthorized)
            #expect(missing.headers[.wwwAuthenticate] == "Bearer")
            #expect(try await app.send(.get, "/v1/accounts", key: "tnr_not_a_key_at_all_0000").status == .unauthorized)
            #expect(try await app.send(.post, "/v1/accounts", #"{"name": "A"}"#, key: TestApp.readKey).status == .forbidden)
            #expect(try await app.send(.get, "/v1/audit-log", key: TestApp.writeKey).status == .forbidden)
            #expect(try await app.send(.get, "/v1/accounts", key: TestApp.readKey).status == .ok)
            #expect(try await app.send(.post, "/v1/accounts", #"{"name": "A"}"#, key: TestApp.writeKey).status == .created)
            #expect(try await app.snapshot().count == before.count + 3, "one account, its audit row and its event, all from the write key")
        }
    }

    @Test func revokedKeyIs401() async throws {
        let arguments = TestArguments()
        try await TestApp.run(arguments: arguments) { app in
            #expect(try await app.send(.get, "/v1/accounts", key: TestApp.readKey).status == .ok)
            try await app.database.execute("UPDATE api_keys SET revoked_at = 1 WHERE name = 'reader'")
            #expect(try await app.send(.get, "/v1/accounts", key: TestApp.readKey).status == .unauthorized)
        }
    }

    @Test func unknownIdIs404AndUnknownPathIs404() async throws {
        try await TestApp.run { app in
            let reply = try await app.send(.get, "/v1/accounts/acc_missing")
            #expect(reply.status == .notFound)
            #expect(reply.json["detail"] as? String == "No account has the id acc_missing.")
            let before = try await app.snapshot()
            #expect(try await app.send(.patch, "/v1/accounts/acc_missing", #"{"name": "B"}"#).status == .notFound)
            #expect(try await app.send(.get, "/v1/nothing-here").status == .notFound)
            #expect(try await app.send(.get, "/v1/nothing-here", key: nil).status == .notFound)
            #expect(try await app.snapshot() == before)
        }
    }

    @Test func wrongMethodIs405WithAllow() async throws {
        try await TestApp.run { app in
            let reply = try await app.send(.delete, "/v1/accounts")
            #expect(reply.status == .methodNotAllowed)
            #expect(reply.headers[.allow] == "POST, GET")
            #expect(try await app.send(.put, "/v1/accounts/acc_1").headers[.allow] == "GET, PATCH")
            // Methods the server has never heard of too (found by schemathesis: TRACE and QUERY were 404).
            for method in [HTTPRequest.Method.trace, HTTPRequest.Method("QUERY")!] {
                let other = try await app.send(method, "/v1/accounts/acc_1/health")
                #expect(other.status == .methodNotAllowed && other.headers[.allow] == "GET", "\(method)")
            }
            #expect(try await app.send(.trace, "/v1/nothing-here").status == .notFound)
            // A literal segment beside a parameter answers for itself (found by schemathesis).
            #expect(try await app.send(.options, "/v1/automations/dry-run").headers[.allow] == "POST")
            #expect(try await app.send(.put, "/v1/automations/aut_1").headers[.allow] == "GET, PATCH, DELETE")
        }
    }

    @Test func duplicateIs409WithExistingId() async throws {
        try await TestApp.run { app in
            let id = try await app.createAccount("Acme", domain: "acme.com", externalID: "crm-1")
            let before = try await app.snapshot()
            let byDomain = try await app.send(.post, "/v1/accounts", #"{"name": "Acme again", "domain": "WWW.Acme.com"}"#)
            #expect(byDomain.status == .conflict)
            #expect(byDomain.json["existing_id"] as? String == id)
            let byExternalID = try await app.send(.post, "/v1/accounts", #"{"name": "Acme CRM", "external_id": "crm-1"}"#)
            #expect(byExternalID.status == .conflict)
            #expect(byExternalID.json["existing_id"] as? String == id)
            #expect(try await app.snapshot() == before)
        }
    }

    @Test func bodyOverOneMebibyteIs413() async throws {
        try await TestApp.run { app in
            let before = try await app.snapshot()
            let name = String(repeating: "a", count: 1 << 20)
            let reply = try await app.send(.post, "/v1/accounts", #"{"name": "\#(name)"}"#)
            #expect(reply.status == .contentTooLarge)
            #expect(reply.json["type"] as? String == "https://tenure.dev/problems/body-too-large")
            #expect(try await app.snapshot() == before)
        }
    }

    @Test func nonJSONBodyIs415() async throws {
        try await TestApp.run { app in
            let before = try await app.snapshot()
            let reply = try await app.send(.post, "/v1/accounts", "name=Acme", contentType: "application/x-www-form-urlencoded")
            #expect(reply.status == .unsupportedMediaType)
            #expect(try await app.send(.post, "/v1/accounts", #"{"name": "A"}"#, contentType: "application/merge-patch+json").status == .created)
            #expect(try await app.snapshot().count == before.count + 3, "one account, its audit row and its account.created event")
        }
    }

    @Test func invalidFieldsAre422WithEveryError() async throws {
        try await TestApp.run { app in
            let before = try await app.snapshot()
            let reply = try await app.send(.post, "/v1/accounts", #"{"domain": "not a domain", "segment": "huge", "employee_count": -1}"#)
            #expect(reply.status == .unprocessableContent)
            #expect(reply.json["type"] as? String == "https://tenure.dev/problems/validation")
            #expect(Set(reply.errorFields) == ["name", "domain", "segment", "employee_count"])
            #expect(try await app.send(.get, "/v1/accounts?as_of=2999-01-01").status == .unprocessableContent)
            #expect(try await app.snapshot() == before)
        }
    }

    @Test func tooManyRequestsIs429() async throws {
        var arguments = TestArguments()
        arguments.rateLimit = 3
        let frozen = Date(unixMilliseconds: Date().unixMilliseconds)
        arguments.clock = Clock { frozen }  // no refill between requests, however slow the machine
        try await TestApp.run(arguments: arguments) { app in
            var statuses: [HTTPResponse.Status] = []
            for _ in 0..<6 { statuses.append(try await app.send(.get, "/v1/accounts").status) }
            #expect(statuses.prefix(3).allSatisfy { $0 == .ok })
            let limited = try await app.send(.get, "/v1/accounts")
            #expect(limited.status == .tooManyRequests)
            #expect(limited.headers[.retryAfter] == "1")
            #expect(try await app.send(.get, "/healthz", key: nil).status == .ok, "open endpoints are not limited")
        }
    }

    @Test func storageFailureIs503AndChangesNothing() async throws {
        try await TestApp.run { app in
            // Another process holding the tables past the lock timeout is a real SQLITE_BUSY, or lock_not_available.
            let reply = try await app.database.whileLocked { try await app.send(.post, "/v1/accounts", #"{"name": "Acme"}"#) }
            #expect(reply.status == .serviceUnavailable)
            #expect(reply.headers[.retryAfter] == "1")
            #expect(!reply.text.contains("SQLite") && !reply.text.contains("lock"), "a 5xx carries no internals")
            #expect(try await app.send(.get, "/v1/accounts").data.isEmpty)
            #expect(try await app.send(.post, "/v1/accounts", #"{"name": "Acme"}"#).status == .created, "recovers once storage is back")
        }
    }

    @Test func createAnswers201WithLocation() async throws {
        try await TestApp.run { app in
            let reply = try await app.send(.post, "/v1/accounts", #"{"name": "Acme"}"#)
            #expect(reply.status == .created)
            let id = try #require(reply.json["id"] as? String)
            #expect(reply.headers[.location] == "/v1/accounts/\(id)")
            #expect(reply.headers[.requestID]?.hasPrefix("req_") == true)
        }
    }
}

extension HTTPField.Name {
    static let requestID = Self("X-Request-Id")!
    static let idempotencyKey = Self("Idempotency-Key")!
}
