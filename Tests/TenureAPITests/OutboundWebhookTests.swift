import Foundation
import HTTPTypes
import TenureCore
import TenureServices
import TenureTestSupport
import Testing

/// EVENTS.md, "Webhook endpoints": endpoints, secrets, signed deliveries, retries, order, disabling and safety, against
/// real receivers on 127.0.0.1 (`TENURE_WEBHOOK_RETRY_SCALE=0.0001` shortens every delay).
@Suite(.temporaryFolder) struct OutboundWebhookTests {
    /// Creates an endpoint for `events` at `url`; returns its resource (with its secret).
    static func endpoint(_ app: TestApp, _ url: String, events: [String] = ["*"]) async throws -> [String: Any] {
        let list = events.map { "\"\($0)\"" }.joined(separator: ", ")
        let reply = try await app.send(.post, "/v1/webhook-endpoints", #"{"url": "\#(url)", "enabled_events": [\#(list)], "description": "test"}"#)
        try #require(reply.status == .created, "\(reply.text)")
        return reply.json
    }

    static func deliveries(_ app: TestApp, _ endpoint: String, _ query: String = "") async throws -> [[String: Any]] {
        try await app.send(.get, "/v1/webhook-endpoints/\(endpoint)/deliveries?limit=500" + query).data
    }

    /// Verifies each request with the reference `standardwebhooks` library (Python), as a receiver would.
    static func verifiedByReference(_ requests: [WebhookReceiver.Received], secret: String) throws -> Bool {
        let items = requests.map {
            ["id": $0.id, "timestamp": $0.timestamp, "signature": $0.signature, "body": String(decoding: $0.body, as: UTF8.self)]
        }
        let input = try JSONSerialization.data(withJSONObject: ["secret": secret, "requests": items])
        let script = """
            import json, sys
            from standardwebhooks.webhooks import Webhook
            given = json.load(sys.stdin)
            hook = Webhook(given["secret"])
            for r in given["requests"]:
                hook.verify(r["body"], {"webhook-id": r["id"], "webhook-timestamp": r["timestamp"], "webhook-signature": r["signature"]})
            print("verified", len(given["requests"]))
            """
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", script]
        let stdin = Pipe()
        let stdout = Pipe()
        process.standardInput = stdin
        process.standardOutput = stdout
        process.standardError = stdout
        try process.run()
        stdin.fileHandleForWriting.write(input)
        try stdin.fileHandleForWriting.close()
        process.waitUntilExit()
        let output = String(decoding: stdout.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        #expect(process.terminationStatus == 0, "\(output)")
        return process.terminationStatus == 0 && output.contains("verified \(requests.count)")
    }

    @Test func anEndpointShowsItsSecretOnlyWhenMade_andEveryDeliveryIsTheEventSignedAsStandardWebhooksSigns() async throws {
        try await WebhookReceiver.with { receiver in
            try await TestApp.run(arguments: .delivering()) { app in
                let endpoint = try await Self.endpoint(app, receiver.url)
                let id = try #require(endpoint["id"] as? String)
                let secret = try #require(endpoint["secret"] as? String)
                #expect(secret.hasPrefix("whsec_"))
                #expect(Data(base64Encoded: String(secret.dropFirst(6)))?.count == 32)
                #expect(endpoint["status"] as? String == "enabled")
                #expect(try await app.send(.get, "/v1/webhook-endpoints/\(id)").json["secret"] == nil)
                #expect(try await app.send(.get, "/v1/webhook-endpoints").data.first?["secret"] == nil)
                let account = try await app.createAccount("Marlin", domain: "marlin.example")
                try await app.send(.patch, "/v1/accounts/\(account)", #"{"owner": "kim"}"#)
                let received = try await receiver.wait { $0.count >= 2 }
                #expect(received.map(\.type) == ["account.created", "account.updated"])
                #expect(try Self.verifiedByReference(received, secret: secret))
                for request in received {
                    let event = try await app.send(.get, "/v1/events/\(request.id)", key: TestApp.readKey)
                    #expect(event.body == Data(request.body), "the body is the event as its GET answers")
                }
                let deliveries = try await Self.deliveries(app, id)
                #expect(deliveries.count == 2)
                #expect(deliveries.allSatisfy { $0["status"] as? String == "succeeded" })
                let attempt = try #require((deliveries.first?["attempts"] as? [[String: Any]])?.first)
                #expect(attempt["status_code"] as? Int == 200)
                #expect(attempt["manual"] as? Bool == false)
                let one = try await app.send(.get, "/v1/webhook-deliveries/\(deliveries[0]["id"] as? String ?? "")")
                #expect(one.json["event_type"] as? String == "account.created")
                #expect(try await app.send(.get, "/v1/webhook-endpoints", key: TestApp.writeKey).status == .forbidden)
            }
        }
    }

    @Test func onlyTheEventsAnEndpointIsEnabledForAreSent() async throws {
        try await WebhookReceiver.with { receiver in
            try await TestApp.run(arguments: .delivering()) { app in
                let endpoint = try await Self.endpoint(app, receiver.url, events: ["account.updated"])
                let account = try await app.createAccount("Narwhal")
                try await app.send(.patch, "/v1/accounts/\(account)", #"{"owner": "lee"}"#)
                try await receiver.wait { $0.count >= 1 }
                try await Task.sleep(for: .milliseconds(300))
                #expect(receiver.all.map(\.type) == ["account.updated"])
                #expect(try await Self.deliveries(app, endpoint["id"] as? String ?? "").count == 1)
            }
        }
    }

    @Test func aFailingReceiverGetsTheSameEventAgainOnTheSchedule_andTheOrderOfAnAccountsEventsHolds() async throws {
        // The first two requests fail (500, then a redirect, which is never followed); the rest succeed.
        try await WebhookReceiver.with(answers: [.status(500), .redirect], otherwise: .status(204)) { receiver in
            try await TestApp.run(arguments: .delivering()) { app in
                let endpoint = try await Self.endpoint(app, receiver.url)
                let account = try await app.createAccount("Osprey")
                try await app.send(.patch, "/v1/accounts/\(account)", #"{"owner": "max"}"#)
                let received = try await receiver.wait { $0.count >= 4 }
                // account.created three times (same webhook-id), then account.updated: never before the first succeeded.
                #expect(received.map(\.type) == ["account.created", "account.created", "account.created", "account.updated"])
                #expect(Set(received.prefix(3).map(\.id)).count == 1)
                #expect(received[0].body == received[2].body, "the same bytes every attempt")
                let deliveries = try await Self.deliveries(app, endpoint["id"] as? String ?? "", "&event_type=account.created")
                let attempts = try #require(deliveries.first?["attempts"] as? [[String: Any]])
                #expect(attempts.map { $0["status_code"] as? Int } == [500, 302, 204])
                // 5 s and then 5 min, scaled by 0.0001: the third attempt starts 30 ms at least after the second.
                let starts = attempts.compactMap { ($0["at"] as? String).flatMap(Timestamp.parseInstantOrDate) }
                #expect(starts.count == 3 && starts[2].timeIntervalSince(starts[1]) >= 0.0299, "\(starts)")
                #expect(deliveries.first?["status"] as? String == "succeeded")
            }
        }
    }

    @Test func aDeliveryThatNeverSucceedsIsExhaustedAfterEightAttempts_andRetriedByHandOnce() async throws {
        // The ninth request (the one by hand) is answered after 2 s: pending until then, whatever the worker's pace.
        try await WebhookReceiver.with(answers: Array(repeating: .status(503), count: 8) + [.hang(.seconds(2))]) { receiver in
            try await TestApp.run(arguments: .delivering()) { app in
                let endpoint = try await Self.endpoint(app, receiver.url, events: ["account.created"])
                _ = try await app.createAccount("Petrel")
                try await receiver.wait(seconds: 30) { $0.count >= 8 }
                var delivery: [String: Any] = [:]
                for _ in 0..<600 {
                    delivery = try await Self.deliveries(app, endpoint["id"] as? String ?? "").first ?? [:]
                    if delivery["status"] as? String == "failed" { break }
                    try await Task.sleep(for: .milliseconds(50))
                }
                #expect(delivery["status"] as? String == "failed")
                #expect(delivery["failure_reason"] as? String == "exhausted")
                #expect((delivery["attempts"] as? [[String: Any]])?.count == 8)
                let id = delivery["id"] as? String ?? ""
                let retried = try await app.send(.post, "/v1/webhook-deliveries/\(id)/retry")
                #expect(retried.status == .accepted, "\(retried.text)")
                #expect(retried.json["status"] as? String == "pending")
                #expect(try await app.send(.post, "/v1/webhook-deliveries/\(id)/retry").status == .conflict, "a pending one is not retried")
                try await receiver.wait { $0.count >= 9 }
                var after: [String: Any] = [:]
                for _ in 0..<600 {
                    after = try await app.send(.get, "/v1/webhook-deliveries/\(id)").json
                    if after["status"] as? String == "succeeded" { break }
                    try await Task.sleep(for: .milliseconds(50))
                }
                #expect(after["status"] as? String == "succeeded")
                #expect((after["attempts"] as? [[String: Any]])?.last?["manual"] as? Bool == true)
                #expect(try await app.send(.post, "/v1/webhook-deliveries/whd_unknown/retry").status == .notFound)
            }
        }
    }

    @Test func anEndpointFailingForThreeDaysIsDisabled_itsPendingDeliveriesFail_andTheDisablingIsAnEvent() async throws {
        // 3 days × 0.00001 = 2.6 s; the whole retry schedule 1 s.
        let arguments = TestArguments.delivering(retryScale: 0.00001)
        try await WebhookReceiver.with(otherwise: .status(500)) { [arguments] receiver in
            try await TestApp.run(arguments: arguments) { app in
                let endpoint = try await Self.endpoint(app, receiver.url, events: ["account.created"])
                let id = endpoint["id"] as? String ?? ""
                var status = ""
                for index in 0..<80 where status != "disabled" {
                    _ = try await app.createAccount("Quail \(index)")
                    try await Task.sleep(for: .milliseconds(100))
                    status = try await app.send(.get, "/v1/webhook-endpoints/\(id)").json["status"] as? String ?? ""
                }
                let disabled = try await app.send(.get, "/v1/webhook-endpoints/\(id)").json
                #expect(disabled["status"] as? String == "disabled")
                #expect(disabled["disabled_reason"] as? String == "failing")
                #expect(try await Self.deliveries(app, id, "&status=pending").isEmpty)
                #expect(try await Self.deliveries(app, id, "&status=failed").contains { $0["failure_reason"] as? String == "endpoint_disabled" })
                let events = try await EventLogTests.events(app, "&type=webhook_endpoint.disabled")
                #expect(events.count == 1)
                #expect((events.first?["source"] as? [String: Any])?["kind"] as? String == "delivery")
                #expect(((events.first?["data"] as? [String: Any])?["object"] as? [String: Any])?["id"] as? String == id)
                // Events of the disabled span are never sent; re-enabled, the endpoint starts afresh.
                let count = receiver.all.count
                _ = try await app.createAccount("Quail after")
                let enabled = try await app.send(.patch, "/v1/webhook-endpoints/\(id)", #"{"status": "enabled"}"#)
                #expect(enabled.json["status"] as? String == "enabled")
                #expect(enabled.json["disabled_reason"] is NSNull)
                try await Task.sleep(for: .milliseconds(300))
                #expect(receiver.all.count == count)
            }
        }
    }

    @Test func rotatingASecretSignsWithBothUntilTheOverlapEnds_andRotatingAgainDropsTheOldest() async throws {
        try await WebhookReceiver.with { receiver in
            try await TestApp.run(arguments: .delivering()) { app in
                let endpoint = try await Self.endpoint(app, receiver.url, events: ["account.created"])
                let id = endpoint["id"] as? String ?? ""
                let first = endpoint["secret"] as? String ?? ""
                let rotated = try await app.send(.post, "/v1/webhook-endpoints/\(id)/rotate-secret")
                let second = try #require(rotated.json["secret"] as? String)
                #expect(second != first)
                #expect(rotated.json["previous_secret_expires_at"] as? String != nil)
                _ = try await app.createAccount("Raven")
                let received = try await receiver.wait { $0.count >= 1 }
                #expect(received[0].signature.split(separator: " ").count == 2)
                #expect(try Self.verifiedByReference(received, secret: first))
                #expect(try Self.verifiedByReference(received, secret: second))
                let third = try #require(try await app.send(.post, "/v1/webhook-endpoints/\(id)/rotate-secret").json["secret"] as? String)
                _ = try await app.createAccount("Robin")
                let both = try await receiver.wait { $0.count >= 2 }
                #expect(try Self.verifiedByReference([both[1]], secret: third))
                #expect(try Self.verifiedByReference([both[1]], secret: second))
                #expect(!both[1].signature.contains(received[0].signature.split(separator: " ").last ?? "-"))
            }
        }
    }

    @Test func disablingOrDeletingAnEndpointEndsItsPendingDeliveries() async throws {
        // A receiver that hangs past the timeout keeps the first delivery pending.
        try await WebhookReceiver.with(otherwise: .status(500)) { receiver in
            try await TestApp.run(arguments: .delivering()) { app in
                let paused = try await Self.endpoint(app, "http://127.0.0.1:9/refused", events: ["account.created"])
                let deleted = try await Self.endpoint(app, "http://127.0.0.1:9/refused", events: ["account.created"])
                _ = try await app.createAccount("Swift")
                try await Task.sleep(for: .milliseconds(100))
                let pausedID = paused["id"] as? String ?? ""
                let deletedID = deleted["id"] as? String ?? ""
                let patched = try await app.send(.patch, "/v1/webhook-endpoints/\(pausedID)", #"{"status": "disabled"}"#)
                #expect(patched.json["disabled_reason"] as? String == "manual")
                #expect(try await Self.deliveries(app, pausedID).first?["failure_reason"] as? String == "endpoint_disabled")
                let attempts = try await Self.deliveries(app, pausedID).first?["attempts"] as? [[String: Any]] ?? []
                #expect(attempts.allSatisfy { $0["error"] as? String == "connection" })
                let gone = try await app.send(.delete, "/v1/webhook-endpoints/\(deletedID)")
                #expect(gone.status == .ok)
                #expect(try await app.send(.get, "/v1/webhook-endpoints/\(deletedID)").status == .notFound)
                let deliveries = try await app.send(.get, "/v1/webhook-deliveries?limit=5").status
                #expect(deliveries == .notFound || deliveries == .methodNotAllowed)
                let events = try await EventLogTests.events(app, "&type=webhook_endpoint.disabled")
                #expect(events.isEmpty, "a manual disabling is no event")
                _ = receiver
            }
        }
    }

    @Test func badEndpointsAreRefusedNamingTheField_andNothingIsStored() async throws {
        try await TestApp.run(arguments: .refusingPrivateTargets) { app in
            let before = try await app.snapshot()
            let cases: [(String, String)] = [
                (#"{"enabled_events": ["*"]}"#, "url"),
                (#"{"url": "ftp://hooks.example.com/x", "enabled_events": ["*"]}"#, "url"),
                (#"{"url": "https://user:pw@hooks.example.com/x", "enabled_events": ["*"]}"#, "url"),
                (#"{"url": "http://127.0.0.1:8080/x", "enabled_events": ["*"]}"#, "url"),
                (#"{"url": "http://localhost/x", "enabled_events": ["*"]}"#, "url"),
                (#"{"url": "http://[::1]/x", "enabled_events": ["*"]}"#, "url"),
                (#"{"url": "http://169.254.169.254/latest", "enabled_events": ["*"]}"#, "url"),
                (#"{"url": "https://hooks.example.com/x"}"#, "enabled_events"),
                (#"{"url": "https://hooks.example.com/x", "enabled_events": []}"#, "enabled_events"),
                (#"{"url": "https://hooks.example.com/x", "enabled_events": ["account.created", "account.exploded"]}"#, "enabled_events[1]"),
                (#"{"url": "https://hooks.example.com/x", "enabled_events": ["*"], "status": "disabled"}"#, "status"),
            ]
            for (body, field) in cases {
                let reply = try await app.send(.post, "/v1/webhook-endpoints", body)
                #expect(reply.status == .unprocessableContent, "\(body): \(reply.text)")
                #expect(reply.errorFields.contains(field), "\(body): \(reply.text)")
            }
            #expect(try await app.send(.post, "/v1/webhook-endpoints", #"{"url": 5, "enabled_events": ["*"]}"#).status == .badRequest)
            #expect(try await app.send(.post, "/v1/webhook-endpoints", "not json").status == .badRequest)
            #expect(try await app.snapshot() == before)
            let ok = try await Self.endpoint(app, "https://hooks.example.com/tenure")
            let id = ok["id"] as? String ?? ""
            let patch = try await app.send(.patch, "/v1/webhook-endpoints/\(id)", #"{"url": "http://10.0.0.8/x", "status": "paused"}"#)
            #expect(patch.status == .unprocessableContent)
            #expect(Set(patch.errorFields) == ["url", "status"])
            #expect(try await app.send(.get, "/v1/webhook-endpoints/\(id)").json["url"] as? String == "https://hooks.example.com/tenure")
            for path in ["/v1/webhook-endpoints/we_unknown", "/v1/webhook-endpoints/we_unknown/deliveries", "/v1/webhook-deliveries/whd_unknown"] {
                #expect(try await app.send(.get, path).status == .notFound, "\(path)")
            }
        }
    }

    @Test func aNameResolvingToAPrivateAddressFailsTheAttemptUnsent() async throws {
        let host = ProcessInfo.processInfo.hostName
        let arguments = TestArguments.delivering(allowPrivate: false)
        try await WebhookReceiver.with { [arguments] receiver in
            try await TestApp.run(arguments: arguments) { app in
                // This machine's own name resolves to one of its addresses: loopback or private, never public on a test host.
                let endpoint = try await Self.endpoint(app, "http://\(host):\(receiver.port)/hooks", events: ["account.created"])
                _ = try await app.createAccount("Tern")
                var attempts: [[String: Any]] = []
                for _ in 0..<600 where attempts.isEmpty {
                    try await Task.sleep(for: .milliseconds(50))
                    attempts = try await Self.deliveries(app, endpoint["id"] as? String ?? "").first?["attempts"] as? [[String: Any]] ?? []
                }
                #expect(attempts.first?["error"] as? String == "private_address")
                #expect(attempts.first?["status_code"] is NSNull)
                #expect(receiver.all.isEmpty, "nothing was sent")
            }
        }
    }

    @Test func aReceiverThatResetsTheConnectionIsAConnectionFailureRetriedLater_andHoldsUpNoOtherEndpoint() async throws {
        try await ResettingReceiver.with { resetting in
            try await WebhookReceiver.with { healthy in
                try await TestApp.run(arguments: .delivering(retryScale: 1)) { app in
                    let broken = try await Self.endpoint(app, resetting.url, events: ["account.created"])
                    _ = try await Self.endpoint(app, healthy.url, events: ["account.created"])
                    _ = try await app.createAccount("Vellum")
                    try await healthy.wait { $0.count == 1 }
                    var attempts: [[String: Any]] = []
                    var delivery: [String: Any] = [:]
                    for _ in 0..<200 {
                        delivery = try await Self.deliveries(app, broken["id"] as? String ?? "").first ?? [:]
                        attempts = delivery["attempts"] as? [[String: Any]] ?? []
                        if !attempts.isEmpty { break }
                        try await Task.sleep(for: .milliseconds(25))
                    }
                    try #require(attempts.count == 1)
                    #expect(resetting.count >= 1)
                    #expect(attempts[0]["error"] as? String == "connection")
                    #expect(attempts[0]["status_code"] is NSNull)
                    #expect(delivery["status"] as? String == "pending")
                    let at = Timestamp.parseInstantOrDate(attempts[0]["at"] as? String ?? "")
                    let next = Timestamp.parseInstantOrDate(delivery["next_attempt_at"] as? String ?? "")
                    let wait = next.flatMap { next in at.map { next.timeIntervalSince($0) } } ?? 0
                    #expect(abs(wait - 5) < 1, "the first retry 5 s after the failed attempt")
                }
            }
        }
    }

    @Test func aReceiverThatAnswersTenMegabytesIsReadOnlyUpToTheLimit_andOneThatHangsTimesOut() async throws {
        try await WebhookReceiver.with(answers: [.large(10 << 20), .hang(.seconds(12))]) { receiver in
            try await TestApp.run(arguments: .delivering()) { app in
                let endpoint = try await Self.endpoint(app, receiver.url, events: ["account.created", "account.updated"])
                // One account's two events: the second waits for the first, so the answers go in this order.
                let account = try await app.createAccount("Umber")
                try await app.send(.patch, "/v1/accounts/\(account)", #"{"owner": "vi"}"#)
                try await receiver.wait(seconds: 30) { $0.count >= 3 }
                var deliveries: [[String: Any]] = []
                for _ in 0..<600 {
                    deliveries = try await Self.deliveries(app, endpoint["id"] as? String ?? "")
                    if deliveries.allSatisfy({ $0["status"] as? String == "succeeded" }) { break }
                    try await Task.sleep(for: .milliseconds(50))
                }
                try #require(deliveries.map { $0["status"] as? String } == ["succeeded", "succeeded"])
                let hung = deliveries[1]["attempts"] as? [[String: Any]] ?? []
                #expect(hung.first?["error"] as? String == "timeout")
                #expect((hung.first?["duration_ms"] as? Int ?? 0) >= 9_900)
            }
        }
    }
}
