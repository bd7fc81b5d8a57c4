import Foundation
import TenureServices
import Testing

@Suite struct StandardWebhookSignatureTests {
    /// The example of the Standard Webhooks specification (also reproduced with Python's hmac).
    let secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
    let id = "msg_p5jXN8AQM9LWM0D4loKWxJek"
    let timestamp: Int64 = 1_614_265_330
    let body = Array(#"{"test": 2432232314}"#.utf8)
    let expected = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="
    var now: Date { Date(timeIntervalSince1970: Double(timestamp)) }

    func verify(
        id: String? = nil,
        timestamp: String? = nil,
        signature: String? = nil,
        body: [UInt8]? = nil,
        secrets: [String]? = nil,
        now: Date? = nil
    ) throws {
        try StandardWebhookSignature.verify(
            id: id ?? self.id,
            timestamp: timestamp ?? String(self.timestamp),
            signature: signature ?? expected,
            body: body ?? self.body,
            secrets: secrets ?? [secret],
            now: now ?? self.now
        )
    }

    @Test func signsLikeTheSpecificationsExample() {
        #expect(StandardWebhookSignature.sign(id: id, timestamp: timestamp, body: body, secret: secret) == expected)
    }

    @Test func acceptsTheExample() throws {
        try verify()
        try verify(signature: "v1,bm90IHRoaXMgb25l \(expected)")  // two signatures, one valid
        try verify(secrets: ["whsec_" + Data("old".utf8).base64EncodedString(), secret])  // rotation
        try verify(now: now.addingTimeInterval(300))
        try verify(now: now.addingTimeInterval(-300))
    }

    @Test func rejectsEveryTampering() {
        var tampered = body
        tampered[3] ^= 1
        #expect(throws: WebhookRejection.self) { try verify(body: tampered) }
        #expect(throws: WebhookRejection.self) { try verify(body: Array(#"{"test":2432232314}"#.utf8)) }  // re-serialized
        #expect(throws: WebhookRejection.self) { try verify(secrets: ["whsec_" + Data("wrong".utf8).base64EncodedString()]) }
        #expect(throws: WebhookRejection.self) { try verify(now: now.addingTimeInterval(301)) }
        #expect(throws: WebhookRejection.self) { try verify(now: now.addingTimeInterval(-301)) }
        #expect(throws: WebhookRejection.self) { try verify(id: "msg_other") }
        #expect(throws: WebhookRejection.self) { try verify(signature: "v2," + expected.dropFirst(3)) }
        #expect(throws: WebhookRejection.self) { try verify(secrets: []) }
        #expect(throws: WebhookRejection.self) { try verify(timestamp: "soon") }
        #expect(throws: WebhookRejection.self) {
            try StandardWebhookSignature.verify(id: nil, timestamp: nil, signature: nil, body: body, secrets: [secret], now: now)
        }
    }
}
