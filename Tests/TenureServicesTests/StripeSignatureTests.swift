import Foundation
import TenureServices
import Testing

@Suite struct StripeSignatureTests {
    struct Vectors: Decodable {
        struct Vector: Decodable {
            var payload: String
            var secret: String
            var timestamp: Int64
            var header: String
        }

        var vectors: [Vector]
    }

    /// Headers produced by Stripe's own library (`scripts/stripe-signature-vectors`).
    static let vectors: [Vectors.Vector] = {
        let file = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/stripe-signature-vectors.json")
        return (try? JSONDecoder().decode(Vectors.self, from: Data(contentsOf: file)).vectors) ?? []
    }()

    @Test func acceptsHeadersFromStripesLibraryByteForByte() throws {
        #expect(Self.vectors.count == 3)
        for vector in Self.vectors {
            let now = Date(timeIntervalSince1970: Double(vector.timestamp))
            try StripeSignature.verify(
                header: vector.header,
                body: Array(vector.payload.utf8),
                secrets: ["whsec_other", .init(vector.secret)],
                now: now
            )
            #expect(StripeSignature.header(timestamp: vector.timestamp, body: Array(vector.payload.utf8), secret: vector.secret) == vector.header)
        }
    }

    @Test func rejectsTamperingWrongSecretsAndStaleTimestamps() throws {
        let vector = try #require(Self.vectors.first)
        let body = Array(vector.payload.utf8)
        let now = Date(timeIntervalSince1970: Double(vector.timestamp))
        var tampered = body
        tampered[10] ^= 1
        #expect(throws: WebhookRejection.self) {
            try StripeSignature.verify(header: vector.header, body: tampered, secrets: [.init(vector.secret)], now: now)
        }
        #expect(throws: WebhookRejection.self) { try StripeSignature.verify(header: vector.header, body: body, secrets: ["whsec_wrong"], now: now) }
        for skew in [-301.0, 301.0] {
            #expect(throws: WebhookRejection.self) {
                try StripeSignature.verify(header: vector.header, body: body, secrets: [.init(vector.secret)], now: now.addingTimeInterval(skew))
            }
        }
        let v0Only = vector.header.replacingOccurrences(of: "v1=", with: "v0=")
        #expect(throws: WebhookRejection.self) { try StripeSignature.verify(header: v0Only, body: body, secrets: [.init(vector.secret)], now: now) }
        let extraSchemes = "t=\(vector.timestamp),v0=abc,v1=\(String(repeating: "0", count: 64)),\(vector.header.split(separator: ",")[1])"
        try StripeSignature.verify(header: extraSchemes, body: body, secrets: [.init(vector.secret)], now: now)
        let signature = String(vector.header.split(separator: ",")[1].dropFirst(3))
        let spacedUppercase = " t = \(vector.timestamp) ,\tv1=\(signature.uppercased()) "
        try StripeSignature.verify(header: spacedUppercase, body: body, secrets: [.init(vector.secret)], now: now)
        for broken in [
            "t=\(vector.timestamp),v1=\(signature.dropLast())g", "t=\(vector.timestamp),v1=\(signature)0", "t=,v1=\(signature)",
            "v1=\(signature)", "t=\(vector.timestamp)=v1=\(signature)", "t=\(vector.timestamp);v1=\(signature)",
        ] {
            #expect(throws: WebhookRejection.self, "\(broken)") {
                try StripeSignature.verify(header: broken, body: body, secrets: [.init(vector.secret)], now: now)
            }
        }
        #expect(throws: WebhookRejection.self) { try StripeSignature.verify(header: nil, body: body, secrets: [.init(vector.secret)], now: now) }
    }
}
