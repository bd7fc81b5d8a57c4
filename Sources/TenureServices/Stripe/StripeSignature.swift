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
        var signatures: [[UInt8]] = []
        // On the header's bytes: Foundation's trimming and splitting were most of the time of a verification.
        for part in header.utf8.split(separator: UInt8(ascii: ",")) {
            guard let equals = part.firstIndex(of: UInt8(ascii: "=")) else { continue }
            let name = trimmed(part[..<equals])
            let value = trimmed(part[part.index(after: equals)...])
            guard !name.isEmpty, !value.isEmpty else { continue }
            if name.elementsEqual("t".utf8) { timestamp = String(decoding: value, as: UTF8.self) }
            if name.elementsEqual("v1".utf8), let bytes = hexBytes(value) { signatures.append(bytes) }
        }
        guard let timestamp, let seconds = Int64(timestamp) else { throw WebhookRejection("Stripe-Signature has no timestamp") }
        guard abs(now.timeIntervalSince1970 - Double(seconds)) <= tolerance else {
            throw WebhookRejection("the Stripe-Signature timestamp is not within \(Int(tolerance)) seconds of now")
        }
        guard !secrets.isEmpty else { throw WebhookRejection("no Stripe webhook secret is configured") }
        for secret in secrets {
            // One code per secret, compared with every signature in constant time.
            let code = code(timestamp: timestamp, body: body, secret: secret)
            if signatures.contains(where: { code == $0 }) { return }
        }
        throw WebhookRejection("no v1 signature matches")
    }

    /// Signs as Stripe's libraries do: `t=<timestamp>,v1=<hex>`.
    public static func header(timestamp: Int64, body: [UInt8], secret: String) -> String {
        "t=\(timestamp),v1=" + code(timestamp: String(timestamp), body: body, secret: secret).map { String(format: "%02x", $0) }.joined()
    }

    /// The HMAC of `{t}.{body}`, fed in two parts rather than copying the body after the timestamp.
    private static func code(timestamp: String, body: [UInt8], secret: String) -> HMAC<SHA256>.MAC {
        var hmac = HMAC<SHA256>(key: SymmetricKey(data: Array(secret.utf8)))
        hmac.update(data: Array("\(timestamp).".utf8))
        hmac.update(data: body)
        return hmac.finalize()
    }

    private static func trimmed(_ bytes: Substring.UTF8View.SubSequence) -> Substring.UTF8View.SubSequence {
        let blank = { (byte: UInt8) in byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") }
        guard let first = bytes.firstIndex(where: { !blank($0) }), let last = bytes.lastIndex(where: { !blank($0) }) else {
            return bytes[bytes.endIndex...]
        }
        return bytes[first...last]
    }

    /// 32 bytes from 64 hex digits.
    private static func hexBytes(_ text: Substring.UTF8View.SubSequence) -> [UInt8]? {
        guard text.count == 64 else { return nil }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(32)
        var high: UInt8?
        for character in text {
            let nibble: UInt8
            switch character {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): nibble = character - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): nibble = character - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): nibble = character - UInt8(ascii: "A") + 10
            default: return nil
            }
            if let first = high {
                bytes.append(first << 4 | nibble)
                high = nil
            } else {
                high = nibble
            }
        }
        return bytes
    }
}
