import Foundation
import Hummingbird
import TenureCore
import TenureServices

/// Typed access to the query string; a malformed parameter is a 400 naming it.
struct Query {
    let request: Request
    let now: Date

    subscript(_ name: String) -> String? { request.uri.queryParameters[Substring(name)].map(String.init) }

    func enumValue<T: RawRepresentable & CaseIterable>(_ name: String, _ type: T.Type) throws -> T? where T.RawValue == String {
        guard let text = self[name] else { return nil }
        guard let value = T(rawValue: text) else {
            throw Problem.badRequest("must be one of " + T.allCases.map(\.rawValue).joined(separator: ", "), field: name)
        }
        return value
    }

    /// Every value of `name`, repeated or comma-separated, each one of `T`; nil when absent.
    func enumValues<T: RawRepresentable & CaseIterable>(_ name: String, _ type: T.Type) throws -> [T]? where T.RawValue == String {
        let texts = list(name)
        guard self[name] != nil else { return nil }
        return try texts.map { text in
            guard let value = T(rawValue: text.trimmingCharacters(in: .whitespaces)) else {
                throw Problem.badRequest("must be one or more of " + T.allCases.map(\.rawValue).joined(separator: ", "), field: name)
            }
            return value
        }
    }

    func bool(_ name: String) throws -> Bool? {
        guard let text = self[name] else { return nil }
        guard let value = Bool(text) else { throw Problem.badRequest("must be true or false", field: name) }
        return value
    }

    func integer(_ name: String, _ range: ClosedRange<Int>) throws -> Int? {
        guard let text = self[name] else { return nil }
        guard let value = Int(text), range.contains(value) else {
            throw Problem.badRequest("must be an integer from \(range.lowerBound) to \(range.upperBound)", field: name)
        }
        return value
    }

    /// Every value of a parameter, repeated or comma-separated.
    func list(_ name: String) -> [String] {
        request.uri.queryParameters[values: Substring(name)].flatMap { $0.split(separator: ",").map(String.init) }
    }

    /// `?segment&industry&owner` (`INSIGHTS.md`, "Slices"): a segment must be one; an industry or owner no account has
    /// simply matches nothing.
    func slice() throws -> Slice {
        var values: [SliceDimension: Set<String>] = [:]
        for dimension in SliceDimension.allCases {
            let given = list(dimension.rawValue).compactMap(SliceValues.key)
            if dimension == .segment, let unknown = given.first(where: { Segment(rawValue: $0) == nil }) {
                throw Problem.badRequest("\(unknown) is not one of " + Segment.allCases.map(\.rawValue).joined(separator: ", "), field: "segment")
            }
            values[dimension] = Set(given)
        }
        return Slice(values)
    }

    /// `?group_by=segment|industry|owner`.
    func groupBy() throws -> SliceDimension? { try enumValue("group_by", SliceDimension.self) }

    /// A month, `YYYY-MM`.
    func month(_ name: String) throws -> CalendarMonth? {
        guard let text = self[name] else { return nil }
        guard let month = CalendarMonth(text) else { throw Problem.badRequest("must be a month, YYYY-MM", field: name) }
        return month
    }

    /// `?from=&to=` as months, both included: `to` defaults to `defaultTo` and `from` to the 11 months before it.
    func months(defaultTo: CalendarMonth, from defaultFrom: CalendarMonth? = nil) throws -> (from: CalendarMonth, to: CalendarMonth) {
        let to = try month("to") ?? defaultTo
        let from = try month("from") ?? defaultFrom ?? to.adding(-11)
        guard from <= to else { throw ValidationError("from", "must not be after to") }
        return (from, to)
    }

    func instant(_ name: String) throws -> Date? {
        guard let text = self[name] else { return nil }
        guard let date = Timestamp.parseInstantOrDate(text) else {
            throw Problem.badRequest("must be an RFC 3339 instant or a YYYY-MM-DD date", field: name)
        }
        return date
    }

    /// `?from&to&as_of` of a metrics window: `to` defaults to now, `from` to 90 days before `to`, `as_of` to the earlier of
    /// `to` and now (`METRICS.md`).
    func window() throws -> Window {
        let to = try instant("to") ?? now
        let from = try instant("from") ?? to.addingTimeInterval(-Window.defaultLength)
        guard from < to else { throw ValidationError("from", "must be before to") }
        return Window(from: from, to: to, asOf: self["as_of"] == nil ? min(to, now) : try asOf())
    }

    /// `?band=`: a health band or `unscored`.
    func band() throws -> String? {
        guard let text = self["band"] else { return nil }
        guard HealthBand(rawValue: text) != nil || text == HealthBandFilter.unscored else {
            throw Problem.badRequest("must be one of green, yellow, red, unscored", field: "band")
        }
        return text
    }

    /// `?as_of=`: now when absent, refused (422) in the future.
    func asOf() throws -> Date {
        guard let asOf = try instant("as_of") else { return now }
        guard asOf <= now else { throw ValidationError("as_of", "must not be in the future") }
        return asOf
    }

    /// `?limit=` (1–500, default 50) and `?cursor=`.
    func page() throws -> PageRequest {
        var page = PageRequest()
        if let text = self["limit"] {
            guard let limit = Int(text), (1...500).contains(limit) else {
                throw Problem.badRequest("must be an integer from 1 to 500", field: "limit")
            }
            page.limit = limit
        }
        if let cursor = self["cursor"] {
            guard let decoded = Cursor.decode(cursor) else { throw Problem.badRequest("is not a cursor this server issued", field: "cursor") }
            page.after = decoded
        }
        return page
    }
}

/// Opaque cursors: base64url of `key.seq`.
enum Cursor {
    static func encode(_ cursor: PageCursor?) -> String? {
        guard let cursor else { return nil }
        return Data("\(cursor.key).\(cursor.seq)".utf8).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
    }

    static func decode(_ text: String) -> PageCursor? {
        var base64 = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        base64 += String(repeating: "=", count: (4 - base64.count % 4) % 4)
        guard text.count <= 64, let data = Data(base64Encoded: base64) else { return nil }
        let parts = String(decoding: data, as: UTF8.self).split(separator: ".")
        guard parts.count == 2, let key = Int64(parts[0]), let seq = Int64(parts[1]) else { return nil }
        return PageCursor(key: key, seq: seq)
    }
}

extension ListBody {
    init<T>(_ page: Page<T>, _ transform: (T) -> Item) {
        self.init(data: page.items.map(transform), nextCursor: Cursor.encode(page.next))
    }
}

enum HealthBandFilter {
    /// The band of an account without a score.
    static let unscored = "unscored"
}

/// A metrics window [from, to) judged as of `asOf`.
struct Window {
    /// Without `from`, the window is the 90 days before `to`.
    static let defaultLength: TimeInterval = 90 * 86_400

    var from: Date
    var to: Date
    var asOf: Date
}
