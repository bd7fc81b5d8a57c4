import Crypto
import Foundation

/// Stripe's webhook signature: `Stripe-Signature: t=<unix>,v1=<hex>[,v1=<hex>…]`, HMAC-SHA256 of `{t}.{raw body}`
/// keyed with the whole endpoint secret (`whsec_…` used as is); any `v1` may match, other schemes (`v0`) are ignored.
/// Checked on the raw bytes, in constant time, within 300 seconds.
public enum StripeSignature {
    public static let tolerance: TimeInterval = 300

    public static func verify(header: String?, body: [UInt8], secrets: [String], now: Date) throws {
        guard let header, !header.isEmpty else { throw WebhookRejection("Stripe-Signature is required") }
        var timestamp: String?
        var signatures: [Data] = []
        for part in header.split(separator: ",") {
            let pair = part.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            guard pair.count == 2 else { continue }
            if pair[0] == "t" { timestamp = pair[1] }
            if pair[0] == "v1", let bytes = hexBytes(pair[1]) { signatures.append(bytes) }
        }
        guard let timestamp, let seconds = Int64(timestamp) else { throw WebhookRejection("Stripe-Signature has no timestamp") }
        guard abs(now.timeIntervalSince1970 - Double(seconds)) <= tolerance else {
            throw WebhookRejection("the Stripe-Signature timestamp is not within \(Int(tolerance)) seconds of now")
        }
        guard !secrets.isEmpty else { throw WebhookRejection("no Stripe webhook secret is configured") }
        var content = Array("\(timestamp).".utf8)
        content.append(contentsOf: body)
        for secret in secrets {
            let key = SymmetricKey(data: Data(secret.utf8))
            for signature in signatures where HMAC<SHA256>.isValidAuthenticationCode(signature, authenticating: content, using: key) {
                return
            }
        }
        throw WebhookRejection("no v1 signature matches")
    }

    /// Signs as Stripe's libraries do: `t=<timestamp>,v1=<hex>`.
    public static func header(timestamp: Int64, body: [UInt8], secret: String) -> String {
        var content = Array("\(timestamp).".utf8)
        content.append(contentsOf: body)
        let mac = HMAC<SHA256>.authenticationCode(for: content, using: SymmetricKey(data: Data(secret.utf8)))
        return "t=\(timestamp),v1=" + mac.map { String(format: "%02x", $0) }.joined()
    }

    private static func hexBytes(_ text: String) -> Data? {
        guard text.count == 64 else { return nil }
        var bytes = Data(capacity: 32)
        var index = text.startIndex
        while index < text.endIndex {
            let next = text.index(index, offsetBy: 2)
            guard let byte = UInt8(text[index..<next], radix: 16) else { return nil }
            bytes.append(byte)
            index = next
        }
        return bytes
    }
}
