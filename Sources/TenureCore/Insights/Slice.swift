import Foundation

/// What a metric may be sliced and grouped by (`INSIGHTS.md`, "Slices"): the account's segment, industry and owner
/// (the deal's owner for the pipeline and the forecast), current values for all time.
public enum SliceDimension: String, CaseIterable, Sendable {
    case segment, industry, owner
}

/// The values one account (or deal) is sliced by, each trimmed and lowercased; nil when it has none.
public struct SliceValues: Sendable, Equatable {
    public var segment: String?
    public var industry: String?
    public var owner: String?

    public init(segment: String?, industry: String?, owner: String?) {
        self.segment = Self.key(segment)
        self.industry = Self.key(industry)
        self.owner = Self.key(owner)
    }

    public subscript(dimension: SliceDimension) -> String? {
        switch dimension {
        case .segment: segment
        case .industry: industry
        case .owner: owner
        }
    }

    /// A value as slices compare it: trimmed, lowercased, nil when empty.
    public static func key(_ text: String?) -> String? {
        // Most values already are keys (ASCII, lowercase, no spaces): kept as they are, without Foundation's passes.
        if let text, !text.isEmpty, text.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7F && !(0x41...0x5A).contains($0) }) { return text }
        guard let trimmed = text?.trimmingCharacters(in: .whitespacesAndNewlines).lowercased(), !trimmed.isEmpty else { return nil }
        return trimmed
    }
}

/// A subset of the company: any of the values given within one dimension, every dimension given.
public struct Slice: Sendable, Equatable {
    public var values: [SliceDimension: Set<String>]

    public init(_ values: [SliceDimension: Set<String>] = [:]) { self.values = values.filter { !$0.value.isEmpty } }

    /// The whole company.
    public var isEverything: Bool { values.isEmpty }

    public func admits(_ item: SliceValues) -> Bool {
        values.allSatisfy { dimension, allowed in item[dimension].map(allowed.contains) ?? false }
    }
}
