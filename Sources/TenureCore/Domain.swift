/// Account domains are compared lowercased, without scheme, `www.`, path, port or trailing dot.
public enum DomainName {
    /// The normalized domain, or nil when `text` is not a plausible host name.
    public static func normalize(_ text: String) -> String? {
        var host = Substring(text.trimmingWhitespace().lowercased())
        if let scheme = host.range(of: "://") { host = host[scheme.upperBound...] }
        if let end = host.firstIndex(where: { "/?#".contains($0) }) { host = host[..<end] }
        if let at = host.lastIndex(of: "@") { host = host[host.index(after: at)...] }
        if let colon = host.lastIndex(of: ":") { host = host[..<colon] }
        while host.hasSuffix(".") { host = host.dropLast() }
        if host.hasPrefix("www.") { host = host.dropFirst(4) }
        let labels = host.split(separator: ".", omittingEmptySubsequences: false)
        guard host.count <= 253, labels.count >= 2,
            labels.allSatisfy({ label in
                (1...63).contains(label.count) && label.first != "-" && label.last != "-"
                    && label.allSatisfy { $0.isLetter || $0.isNumber || $0 == "-" }
            })
        else { return nil }
        return String(host)
    }
}

/// Email addresses are unique per account, compared case-insensitively.
public enum EmailAddress {
    public static func normalize(_ text: String) -> String? {
        let email = text.trimmingWhitespace().lowercased()
        let parts = email.split(separator: "@", omittingEmptySubsequences: false)
        guard email.count <= 320, parts.count == 2, !parts[0].isEmpty, parts[1].contains("."),
            !email.contains(where: \.isWhitespace)
        else { return nil }
        return email
    }
}
