import Foundation
import HTTPTypes
import TenureTestSupport
import Testing

@Suite(.temporaryFolder) struct PlatformTests {
    @Test func healthReadinessAndMetricsNeedNoKey() async throws {
        try await TestApp.run { app in
            #expect(try await app.send(.get, "/healthz", key: nil).json["status"] as? String == "ok")
            #expect(try await app.send(.get, "/readyz", key: nil).status == .ok)
            try await app.send(.get, "/v1/accounts")
            let metrics = try await app.send(.get, "/metrics", key: nil)
            #expect(metrics.headers[.contentType]?.hasPrefix("text/plain") == true)
            #expect(metrics.text.contains(#"http_route="/v1/accounts""#))
            #expect(metrics.text.contains("tenure_db_read_duration"))
        }
    }

    @Test func idempotencyKeyReplaysTheFirstResponseAndRefusesAnotherBody() async throws {
        try await TestApp.run { app in
            let headers: HTTPFields = [.idempotencyKey: "create-acme-1"]
            let first = try await app.send(.post, "/v1/accounts", #"{"name": "Acme"}"#, headers: headers)
            let again = try await app.send(.post, "/v1/accounts", #"{"name": "Acme"}"#, headers: headers)
            #expect(first.status == .created)
            #expect(again.status == .created)
            #expect(again.body == first.body)
            #expect(again.headers[.location] == first.headers[.location])
            #expect(again.headers[HTTPField.Name("Idempotent-Replayed")!] == "true")
            let changed = try await app.send(.post, "/v1/accounts", #"{"name": "Globex"}"#, headers: headers)
            #expect(changed.status == .conflict)
            #expect(try await app.send(.get, "/v1/accounts").data.count == 1)
            let otherKey = try await app.send(.post, "/v1/accounts", #"{"name": "Acme"}"#, key: TestApp.writeKey, headers: headers)
            #expect(otherKey.status == .created, "keys are scoped to the API key that sent them")
        }
    }

    @Test func idempotentValidationErrorsReplayToo() async throws {
        try await TestApp.run { app in
            let headers: HTTPFields = [.idempotencyKey: "bad-1"]
            let first = try await app.send(.post, "/v1/accounts", #"{"segment": "x"}"#, headers: headers)
            let again = try await app.send(.post, "/v1/accounts", #"{"segment": "x"}"#, headers: headers)
            #expect(first.status == .unprocessableContent && first.headers[HTTPField.Name("Idempotent-Replayed")!] == nil)
            #expect(again.status == .unprocessableContent)
            #expect(again.headers[HTTPField.Name("Idempotent-Replayed")!] == "true", "the stored answer, not a second run")
            #expect(again.headers[.contentType] == "application/problem+json")
            // The same problem; only the request id, which names each request, differs.
            var answered = first.json
            answered["request_id"] = nil
            #expect(NSDictionary(dictionary: again.json) == NSDictionary(dictionary: answered))
            #expect(answered["errors"] != nil)
        }
    }

    @Test func auditLogListsWritesNewestFirstForAdminsOnly() async throws {
        try await TestApp.run { app in
            let id = try await app.createAccount("Acme")
            try await app.send(.patch, "/v1/accounts/\(id)", #"{"owner": "dana"}"#, key: TestApp.writeKey)
            let log = try await app.send(.get, "/v1/audit-log")
            let entries = log.data.filter { ($0["resource"] as? String) == "account" }
            #expect(entries.compactMap { $0["action"] as? String } == ["account.update", "account.create"])
            #expect(entries.compactMap { $0["key_name"] as? String } == ["writer", "admin"])
            #expect(entries.allSatisfy { $0["resource_id"] as? String == id && $0["at"] is String })
            #expect(try await app.send(.get, "/v1/audit-log", key: TestApp.readKey).status == .forbidden)
        }
    }

    @Test func bootstrapAdminKeyWorksOnlyOnAnEmptyKeyTable() async throws {
        var arguments = TestArguments()
        arguments.bootstrapAdminKey = "tnr_bootstrap_admin_0123456789"
        try await TestApp.run(arguments: arguments, withKeys: false) { app in
            let reply = try await app.send(.get, "/v1/audit-log", key: "tnr_bootstrap_admin_0123456789")
            #expect(reply.status == .ok)
            #expect(reply.data.first?["action"] as? String == "api_key.bootstrap")
        }
        var fresh = TestArguments()
        fresh.bootstrapAdminKey = arguments.bootstrapAdminKey
        try await TestApp.run(arguments: fresh) { (app: TestApp) async throws in
            // Keys existed before start, so the bootstrap secret did not become a key.
            #expect(try await app.send(.get, "/v1/accounts", key: "tnr_bootstrap_admin_0123456789").status == .unauthorized)
        }
    }

    @Test func liveServerAnswersOverTCP() async throws {
        try await TestApp.run(.live) { app in
            let created = try await app.send(.post, "/v1/accounts", #"{"name": "Acme", "domain": "acme.com"}"#)
            #expect(created.status == .created)
            #expect(try await app.send(.get, "/v1/accounts/\(created.json["id"] as? String ?? "")").json["domain"] as? String == "acme.com")
        }
    }
}
