import Crypto
import Foundation
import TenureCore

/// The keyless token of an unsubscribe link or a preference center (`PRIVACY.md`): `{contact_id}.{purpose}.{sig}`, sig
/// the unpadded base64url HMAC-SHA256 of `{contact_id}.{purpose}` keyed with the first secret; any secret verifies.
public struct UnsubscribeToken: Sendable, Equatable {
    public var contactID: String
    public var purpose: ConsentPurpose

    public init(contactID: String, purpose: ConsentPurpose) {
        self.contactID = contactID
        self.purpose = purpose
    }

    public func signed(with secret: [UInt8]) -> String {
        let message = "\(contactID).\(purpose.rawValue)"
        return message + "." + Self.base64URL(Self.code(message, secret))
    }

    /// The token `text` names, when one of `secrets` signed it.
    public static func verified(_ text: String, secrets: [[UInt8]]) -> UnsubscribeToken? {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3, !parts[0].isEmpty, let purpose = ConsentPurpose(rawValue: String(parts[1])),
            let signature = decodeBase64URL(String(parts[2]))
        else { return nil }
        let message = Data("\(parts[0]).\(parts[1])".utf8)
        let matches = secrets.contains { secret in
            HMAC<SHA256>.isValidAuthenticationCode(signature, authenticating: message, using: SymmetricKey(data: secret))
        }
        return matches ? UnsubscribeToken(contactID: String(parts[0]), purpose: purpose) : nil
    }

    private static func code(_ message: String, _ secret: [UInt8]) -> [UInt8] {
        Array(HMAC<SHA256>.authenticationCode(for: Data(message.utf8), using: SymmetricKey(data: secret)))
    }

    static func base64URL(_ bytes: [UInt8]) -> String {
        Data(bytes).base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    /// Unpadded base64url only: a padded or standard-alphabet signature does not verify.
    static func decodeBase64URL(_ text: String) -> Data? {
        guard !text.isEmpty, text.allSatisfy({ $0.isLetter && $0.isASCII || $0.isNumber && $0.isASCII || $0 == "-" || $0 == "_" }) else {
            return nil
        }
        let standard = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        return Data(base64Encoded: standard + String(repeating: "=", count: (4 - standard.count % 4) % 4))
    }
}

/// The secrets of the privacy features: the unsubscribe keys (`TENURE_UNSUBSCRIBE_SECRETS`, else 32 random bytes kept in
/// the database) and the salt of subject hashes (32 random bytes per database, never shown).
public struct PrivacySecrets: Sendable {
    /// From the environment, first signs; empty: the database's own.
    let unsubscribe: [String]

    public init(unsubscribe: [String]) { self.unsubscribe = unsubscribe }

    static let unsubscribeSetting = "privacy.unsubscribe_secret"
    static let saltSetting = "privacy.subject_salt"

    /// The unsubscribe keys, the signing one first.
    func unsubscribeKeys(in tx: any Transaction) async throws -> [[UInt8]] {
        if !unsubscribe.isEmpty { return unsubscribe.map { Array($0.utf8) } }
        return [try await Self.stored(Self.unsubscribeSetting, in: tx)]
    }

    /// hex HMAC-SHA256(salt, lowercased email): the same person under one name that is not their email.
    func subjectHash(of email: String, in tx: any Transaction) async throws -> String {
        let salt = try await Self.stored(Self.saltSetting, in: tx)
        return Array(HMAC<SHA256>.authenticationCode(for: Data(email.lowercased().utf8), using: SymmetricKey(data: salt))).hexString
    }

    /// 32 random bytes kept under `name`, made by the first transaction that needs them. A read transaction that finds
    /// none cannot make them: it asks again in a write (`PrivacySecrets.ensure`).
    private static func stored(_ name: String, in tx: any Transaction) async throws -> [UInt8] {
        if let value = try await value(name, in: tx) { return value }
        try await tx.lock(.once(name))
        if let value = try await value(name, in: tx) { return value }
        var generator = SystemRandomNumberGenerator()
        let value = (0..<32).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
        try await tx.settings.setValue(name, Array(Data(value).base64EncodedString().utf8))
        return value
    }

    /// Kept as base64 text, as every setting is text.
    private static func value(_ name: String, in tx: any Transaction) async throws -> [UInt8]? {
        guard let text = try await tx.settings.value(name), let bytes = Data(base64Encoded: Data(text)), bytes.count == 32 else { return nil }
        return Array(bytes)
    }

    /// Makes both secrets, so that read transactions find them.
    public static func ensure(in storage: any Storage) async throws {
        try await storage.write { tx in
            _ = try await stored(unsubscribeSetting, in: tx)
            _ = try await stored(saltSetting, in: tx)
        }
    }
}
