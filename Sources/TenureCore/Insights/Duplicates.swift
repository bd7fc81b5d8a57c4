import Foundation

/// Likely duplicates (`INSIGHTS.md`, "Duplicates"): records matched by normalized keys — never compared pairwise, so
/// 100,000 accounts are grouped in one pass — and the connected groups the matches make.
public enum DuplicateKeys {
    /// Legal forms dropped from the end of a company name.
    static let legalForms: Set<String> = [
        "inc", "incorporated", "corp", "corporation", "co", "company", "llc", "llp", "lp", "ltd", "limited", "plc", "gmbh", "ag", "kg",
        "sa", "sas", "sarl", "srl", "spa", "bv", "nv", "oy", "ab", "pty",
    ]

    /// A company name's key: lowercase; `.` `'` `’` deleted; any other character but a letter or digit a space; legal
    /// forms dropped from the end, repeatedly; words joined by one space. "Acme Inc", "ACME, Inc." and "Acme": `acme`.
    public static func companyName(_ name: String) -> String {
        var cleaned = ""
        for character in name.lowercased() where !".'’".contains(character) {
            cleaned.append(character.isLetter || character.isNumber ? character : " ")
        }
        var words = cleaned.split(separator: " ")
        while let last = words.last, legalForms.contains(String(last)) { words.removeLast() }
        return words.joined(separator: " ")
    }

    /// A person's name's key: lowercase, `.` `'` `’` deleted, spaces collapsed.
    public static func personName(_ name: String) -> String {
        name.lowercased().filter { !".'’".contains($0) }.split(whereSeparator: \.isWhitespace).joined(separator: " ")
    }

    /// An email without a `+tag` in its local part: `ana+crm@acme.com` is `ana@acme.com`.
    public static func email(_ email: String) -> String {
        guard let at = email.lastIndex(of: "@") else { return email.lowercased() }
        let local = email[..<at]
        return (local.firstIndex(of: "+").map { local[..<$0] } ?? local).lowercased() + email[at...].lowercased()
    }

    /// The domains of which `domain` is a subdomain: `eu.acme.com` → `acme.com` (not the bare top-level domain).
    public static func parents(of domain: String) -> [String] {
        var parents: [String] = []
        var rest = Substring(domain)
        while let dot = rest.firstIndex(of: ".") {
            rest = rest[rest.index(after: dot)...]
            if rest.contains(".") { parents.append(String(rest)) }
        }
        return parents
    }
}

/// Two records that match, the older first, with what matched (`name`, `domain`, `email`).
public struct DuplicatePair: Sendable, Equatable {
    public var a: Int
    public var b: Int
    public var reasons: [String]

    public init(a: Int, b: Int, reasons: [String]) {
        self.a = a
        self.b = b
        self.reasons = reasons
    }
}

/// A connected group of matches: its records (indices into the input, oldest first) and its pairs.
public struct DuplicateCluster: Sendable, Equatable {
    public var records: [Int]
    public var pairs: [DuplicatePair]
}

public enum DuplicateClusters {
    /// The pairs of the `count` records whose `key` (nil or empty: none) is equal.
    public static func sharing(count: Int, key: (Int) -> String?) -> [(Int, Int)] {
        var holders: [String: [Int]] = [:]
        for record in 0..<count {
            if let value = key(record), !value.isEmpty { holders[value, default: []].append(record) }
        }
        return holders.values.flatMap { records in
            records.indices.flatMap { i in records[(i + 1)...].map { (records[i], $0) } }
        }
    }

    /// The clusters of `count` records (indices in age order, oldest first) given the pairs that match for each reason;
    /// ordered by their oldest record.
    public static func find(count: Int, matches: [(reason: String, pairs: [(Int, Int)])]) -> [DuplicateCluster] {
        var reasons: [Pair: [String]] = [:]
        for (reason, pairs) in matches {
            for (first, second) in pairs where first != second {
                let pair = Pair(a: min(first, second), b: max(first, second))
                if reasons[pair]?.contains(reason) != true { reasons[pair, default: []].append(reason) }
            }
        }
        // Union-find over the pairs: each cluster is named by its oldest record.
        var parent = Array(0..<count)
        func root(_ record: Int) -> Int {
            var record = record
            while parent[record] != record {
                parent[record] = parent[parent[record]]
                record = parent[record]
            }
            return record
        }
        for pair in reasons.keys {
            let (x, y) = (root(pair.a), root(pair.b))
            if x != y { parent[max(x, y)] = min(x, y) }
        }
        var clusters: [Int: DuplicateCluster] = [:]
        for (pair, why) in reasons {
            clusters[root(pair.a), default: DuplicateCluster(records: [], pairs: [])].pairs.append(DuplicatePair(a: pair.a, b: pair.b, reasons: why))
        }
        return clusters.keys.sorted().compactMap { oldest in
            guard var cluster = clusters[oldest] else { return nil }
            cluster.records = Array(Set(cluster.pairs.flatMap { [$0.a, $0.b] })).sorted()
            cluster.pairs.sort { ($0.a, $0.b) < ($1.a, $1.b) }
            return cluster
        }
    }

    private struct Pair: Hashable {
        var a: Int
        var b: Int
    }
}
