import Crypto
import Foundation
import TenureJSON

/// HubSpot's request signature v3: `X-HubSpot-Signature-v3` = base64(HMAC-SHA256(client secret, method + URI + raw body
/// + `X-HubSpot-Request-Timestamp`)), the timestamp in milliseconds and refused beyond 300 s either way. The URI is the
/// one HubSpot called, with the `%`-escapes HubSpot lists decoded. v1 and v2 signatures carry no timestamp and could be
/// replayed, so they are never accepted.
public enum HubSpotSignature {
    public static let tolerance: TimeInterval = 300

    /// The characters whose `%`-escapes HubSpot decodes before signing.
    static let decodedCharacters: Set<UInt8> = Set(":/?@!$'()*,;".utf8)

    public static func verify(
        method: String,
        uri: String,
        body: [UInt8],
        timestamp: String?,
        signature: String?,
        secrets: [String],
        now: Date
    ) throws {
        guard let timestamp, let signature, let provided = Data(base64Encoded: signature) else {
            throw WebhookRejection("X-HubSpot-Signature-v3 and X-HubSpot-Request-Timestamp are required")
        }
        guard let millis = Int64(timestamp), abs(now.timeIntervalSince1970 - Double(millis) / 1000) <= tolerance else {
            throw WebhookRejection("X-HubSpot-Request-Timestamp is not within \(Int(tolerance)) seconds of now")
        }
        guard !secrets.isEmpty else { throw WebhookRejection("no HubSpot client secret is configured") }
        let content = signedContent(method: method, uri: uri, body: body, timestamp: timestamp)
        for secret in secrets
        where HMAC<SHA256>.isValidAuthenticationCode(provided, authenticating: content, using: SymmetricKey(data: Data(secret.utf8))) {
            return
        }
        throw WebhookRejection("no signature matches")
    }

    /// Signs as HubSpot does (tests and the example script use it).
    public static func sign(method: String, uri: String, body: [UInt8], timestamp: String, secret: String) -> String {
        let content = signedContent(method: method, uri: uri, body: body, timestamp: timestamp)
        return Data(HMAC<SHA256>.authenticationCode(for: content, using: SymmetricKey(data: Data(secret.utf8)))).base64EncodedString()
    }

    static func signedContent(method: String, uri: String, body: [UInt8], timestamp: String) -> [UInt8] {
        Array(method.utf8) + decodingListedEscapes(Array(uri.utf8)) + body + Array(timestamp.utf8)
    }

    /// `uri` with each escape of `decodedEscapes` (either case) decoded, in one pass; other escapes stay.
    static func decodingListedEscapes(_ uri: [UInt8]) -> [UInt8] {
        guard uri.contains(UInt8(ascii: "%")) else { return uri }
        var decoded: [UInt8] = []
        decoded.reserveCapacity(uri.count)
        var index = 0
        while index < uri.count {
            if uri[index] == UInt8(ascii: "%"), index + 2 < uri.count,
                let high = uri[index + 1].hexDigitValue, let low = uri[index + 2].hexDigitValue,
                decodedCharacters.contains(high << 4 | low)
            {
                decoded.append(high << 4 | low)
                index += 3
            } else {
                decoded.append(uri[index])
                index += 1
            }
        }
        return decoded
    }
}
