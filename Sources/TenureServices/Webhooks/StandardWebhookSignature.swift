import Crypto
import Foundation

/// Why a delivery was not accepted as coming from its sender (401, nothing stored).
public struct WebhookRejection: Error, Equatable, Sendable {
    public let reason: String
    public init(_ reason: String) { self.reason = reason }
}

/// The Standard Webhooks signature (the scheme of Svix and others), used by CRM deliveries: HMAC-SHA256 of
/// `{webhook-id}.{webhook-timestamp}.{raw body}` keyed with the base64 secret after `whsec_`; `webhook-signature`
/// holds space-separated `v1,<base64>` values, any of which may match. Checked on the raw bytes, in constant time.
public enum StandardWebhookSignature {
    public static let tolerance: TimeInterval = 300

    public static func verify(id: String?, timestamp: String?, signature: String?, body: [UInt8], secrets: [String], now: Date) throws {
        guard let id, !id.isEmpty, let timestamp, let signature else {
            throw WebhookRejection("webhook-id, webhook-timestamp and webhook-signature are required")
        }
        guard let seconds = Int64(timestamp), abs(now.timeIntervalSince1970 - Double(seconds)) <= tolerance else {
            throw WebhookRejection("webhook-timestamp is not within \(Int(tolerance)) seconds of now")
        }
        let keys = secrets.compactMap(key(fromSecret:))
        guard !keys.isEmpty else { throw WebhookRejection("no CRM webhook secret is configured") }
        var content = Array("\(id).\(timestamp).".utf8)
        content.append(contentsOf: body)
        let candidates = signature.split(separator: " ").compactMap { entry -> Data? in
            let parts = entry.split(separator: ",", maxSplits: 1)
            guard parts.count == 2, parts[0] == "v1" else { return nil }
            return Data(base64Encoded: String(parts[1]))
        }
        for key in keys {
            for candidate in candidates where HMAC<SHA256>.isValidAuthenticationCode(candidate, authenticating: content, using: key) {
                return
            }
        }
        throw WebhookRejection("no signature matches")
    }

    /// Signs as a sender would: `v1,<base64>` (tests and the example script use it).
    public static func sign(id: String, timestamp: Int64, body: [UInt8], secret: String) -> String? {
        guard let key = key(fromSecret: secret) else { return nil }
        var content = Array("\(id).\(timestamp).".utf8)
        content.append(contentsOf: body)
        return "v1," + Data(HMAC<SHA256>.authenticationCode(for: content, using: key)).base64EncodedString()
    }

    static func key(fromSecret secret: String) -> SymmetricKey? {
        let encoded = secret.hasPrefix("whsec_") ? String(secret.dropFirst(6)) : secret
        return Data(base64Encoded: encoded).map { SymmetricKey(data: $0) }
    }
}
