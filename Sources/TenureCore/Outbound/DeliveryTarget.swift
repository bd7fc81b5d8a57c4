import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// Where a webhook may be sent (`EVENTS.md`, "Safety"): an absolute http(s) URL without user-info, and never — unless
/// private targets are allowed — a loopback, private, link-local, CGNAT, unspecified or multicast address. A literal
/// address or `localhost` is refused when the URL is given; a name is checked on the address it resolves to, at each
/// attempt, and that checked address is the one connected to.
public enum DeliveryTarget {
    public static let maxURLLength = 2_048

    /// The URL's problem, if it has one (`allowPrivate` lifts the address rule).
    public static func problem(with text: String, allowPrivate: Bool) -> String? {
        guard text.count <= maxURLLength else { return "must be at most \(maxURLLength) characters" }
        guard let components = URLComponents(string: text), let scheme = components.scheme?.lowercased(), ["http", "https"].contains(scheme),
            let host = components.host, !host.isEmpty
        else { return "must be an absolute http or https URL" }
        guard components.user == nil, components.password == nil else { return "must not carry a user name or password" }
        if allowPrivate { return nil }
        let name = host.trimmingCharacters(in: CharacterSet(charactersIn: "[]")).lowercased()
        if name == "localhost" || name.hasSuffix(".localhost") || name == "localhost." { return "must not be a loopback or private address" }
        if let address = IPAddress(name), address.isRestricted { return "must not be a loopback or private address" }
        return nil
    }
}

/// An IPv4 or IPv6 address, as bytes.
public struct IPAddress: Sendable, Equatable, CustomStringConvertible {
    public let bytes: [UInt8]

    public init?(_ text: String) {
        var v4 = in_addr()
        var v6 = in6_addr()
        if inet_pton(AF_INET, text, &v4) == 1 {
            bytes = withUnsafeBytes(of: &v4) { Array($0) }
        } else if inet_pton(AF_INET6, text, &v6) == 1 {
            bytes = withUnsafeBytes(of: &v6) { Array($0) }
        } else {
            return nil
        }
    }

    public init?(bytes: [UInt8]) {
        guard bytes.count == 4 || bytes.count == 16 else { return nil }
        self.bytes = bytes
    }

    public var description: String {
        if bytes.count == 4 { return bytes.map(String.init).joined(separator: ".") }
        var groups: [String] = []
        for index in stride(from: 0, to: 16, by: 2) { groups.append(String(UInt16(bytes[index]) << 8 | UInt16(bytes[index + 1]), radix: 16)) }
        return groups.joined(separator: ":")
    }

    /// Loopback, private, link-local, CGNAT, unspecified, multicast (or broadcast): never a public receiver.
    public var isRestricted: Bool {
        if bytes.count == 4 { return Self.isRestrictedV4(bytes) }
        let mapped = bytes[0..<10].allSatisfy { $0 == 0 } && bytes[10] == 0xff && bytes[11] == 0xff
        if mapped { return Self.isRestrictedV4(Array(bytes[12...])) }
        if bytes[0..<15].allSatisfy({ $0 == 0 }) && (bytes[15] == 0 || bytes[15] == 1) { return true }  // :: and ::1
        if bytes[0] & 0xfe == 0xfc { return true }  // fc00::/7 unique local
        if bytes[0] == 0xfe && bytes[1] & 0xc0 == 0x80 { return true }  // fe80::/10 link-local
        return bytes[0] == 0xff  // multicast
    }

    private static func isRestrictedV4(_ b: [UInt8]) -> Bool {
        switch (b[0], b[1]) {
        case (0, _), (10, _), (127, _): true
        case (100, 64...127): true  // CGNAT
        case (169, 254), (192, 168): true
        case (172, 16...31): true
        case (224...255, _): true  // multicast, reserved, broadcast
        default: false
        }
    }
}
