import Crypto
import Foundation
import TenureJSON

/// Stripe's webhook signature: `Stripe-Signature: t=<unix>,v1=<hex>[,v1=<hex>…]`, HMAC-SHA256 of `{t}.{raw body}`
/// keyed with the whole endpoint secret (`whsec_…` used as is); any `v1` may match, other schemes (`v0`) are ignored.
/// Checked on the raw bytes, in constant time, within 300 seconds.
public enum StripeSignature {
    public static let tolerance: TimeInterval = 300

    /// An endpoint secret, keyed once: setting up an HMAC key cost as much as the rest of a verification.
    /// Unchecked: `HMAC` is a value type (its digest contexts are copied on write) that only Crypto leaves unmarked;
    /// the keyed value is never changed, only copied.
    public struct Secret: @unchecked Sendable, ExpressibleByStringLiteral {
        fileprivate let keyed: HMAC<SHA256>

        public init(_ text: String) { keyed = HMAC(key: SymmetricKey(data: Array(text.utf8))) }
        public init(stringLiteral text: String) { self.init(text) }
    }

    public static func verify(header: String?, body: [UInt8], secrets: [Secret], now: Date) throws {
        guard let header, !header.isEmpty else { throw WebhookRejection("Stripe-Signature is required") }
        var timestamp: Substring.UTF8View.SubSequence?
        var signatures: [Substring.UTF8View.SubSequence] = []
        // On the header's bytes: Foundation's trimming and splitting were most of the time of a verification.
        for part in header.utf8.split(separator: UInt8(ascii: ",")) {
            guard let equals = part.firstIndex(of: UInt8(ascii: "=")) else { continue }
            let name = trimmed(part[..<equals])
            let value = trimmed(part[part.index(after: equals)...])
            guard !name.isEmpty, !value.isEmpty else { continue }
            if name.elementsEqual("t".utf8) { timestamp = value }
            if name.elementsEqual("v1".utf8) { signatures.append(value) }
        }
        guard let timestamp, let seconds = Int64(Substring(timestamp)) else { throw WebhookRejection("Stripe-Signature has no timestamp") }
        guard abs(now.timeIntervalSince1970 - Double(seconds)) <= tolerance else {
            throw WebhookRejection("the Stripe-Signature timestamp is not within \(Int(tolerance)) seconds of now")
        }
        guard !secrets.isEmpty else { throw WebhookRejection("no Stripe webhook secret is configured") }
        for secret in secrets {
            // One code per secret, compared with every signature in constant time.
            let code = code(timestamp: timestamp, body: body, secret: secret)
            if signatures.contains(where: { matches(code, hex: $0) }) { return }
        }
        throw WebhookRejection("no v1 signature matches")
    }

    /// Signs as Stripe's libraries do: `t=<timestamp>,v1=<hex>`.
    public static func header(timestamp: Int64, body: [UInt8], secret: String) -> String {
        let code = code(timestamp: String(timestamp).utf8[...], body: body, secret: Secret(secret))
        return "t=\(timestamp),v1=" + code.hexString
    }

    /// The HMAC of `{t}.{body}`, fed in parts rather than copying the body after the timestamp.
    private static func code(timestamp: Substring.UTF8View.SubSequence, body: [UInt8], secret: Secret) -> HMAC<SHA256>.MAC {
        var hmac = secret.keyed
        hmac.update(data: Array(timestamp) + [UInt8(ascii: ".")])
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

    /// Whether 64 hex digits (either case) spell the code; every digit is looked at whatever it finds, so the time
    /// taken says nothing about how much of a forged signature was right.
    private static func matches(_ code: HMAC<SHA256>.MAC, hex: Substring.UTF8View.SubSequence) -> Bool {
        guard hex.count == 2 * SHA256.byteCount else { return false }
        return code.withUnsafeBytes { bytes in
            var difference: UInt8 = 0
            var valid = true
            for (offset, digit) in hex.enumerated() {
                let nibble = digit.hexDigitValue
                valid = valid && nibble != nil
                difference |= (nibble ?? 0) ^ (offset.isMultiple(of: 2) ? bytes[offset / 2] >> 4 : bytes[offset / 2] & 0x0F)
            }
            return valid && difference == 0
        }
    }
}
