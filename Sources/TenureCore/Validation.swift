/// One problem with one field of a request.
public struct FieldError: Error, Equatable, Sendable, Codable {
    public let field: String
    public let message: String

    public init(_ field: String, _ message: String) {
        self.field = field
        self.message = message
    }
}

/// A request whose fields are well-formed but break the rules; carries every problem found, not just the first.
public struct ValidationError: Error, Equatable, Sendable {
    public let errors: [FieldError]

    public init(_ errors: [FieldError]) { self.errors = errors }
    public init(_ field: String, _ message: String) { self.errors = [FieldError(field, message)] }

    /// Throws when `errors` is not empty.
    public static func check(_ errors: [FieldError]) throws {
        if !errors.isEmpty { throw ValidationError(errors) }
    }

    /// The same errors with their fields nested under `prefix` (`activities[3].type`).
    public func nested(under prefix: String) -> ValidationError {
        ValidationError(errors.map { FieldError("\(prefix).\($0.field)", $0.message) })
    }

    /// Runs `body` for item `index` of the list `prefix`: its field errors are named `prefix[index].field`
    /// (left as they are when `prefix` is nil, a single item sent on its own).
    public static func item<T>(_ index: Int, of prefix: String?, _ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch let error as ValidationError {
            throw prefix.map { error.nested(under: "\($0)[\(index)]") } ?? error
        }
    }
}

/// Collects field errors while a request is checked.
public struct Validator {
    public private(set) var errors: [FieldError] = []

    public init() {}

    public mutating func add(_ field: String, _ message: String) { errors.append(FieldError(field, message)) }

    /// Requires a present, non-blank value.
    public mutating func required<T>(_ value: T?, _ field: String) {
        if value == nil { add(field, "is required") }
        if let text = value as? String, text.trimmingWhitespace().isEmpty { add(field, "must not be blank") }
    }

    public mutating func maxLength(_ value: String?, _ field: String, _ limit: Int = 1_000) {
        if let value, value.count > limit { add(field, "must be at most \(limit) characters") }
    }

    public mutating func range<T: Comparable>(_ value: T?, _ field: String, _ range: ClosedRange<T>) {
        if let value, !range.contains(value) { add(field, "must be between \(range.lowerBound) and \(range.upperBound)") }
    }

    public func check() throws { try ValidationError.check(errors) }

    /// A settings map with a number for every case of `Key` (`field.case`), each passing `problem` (nil, or why not);
    /// a missing case is required, a name that is no case is "not a `noun`". Returns the values that passed.
    public mutating func everyCase<Key: RawRepresentable & CaseIterable & Hashable>(
        _ values: [String: Double]?,
        _ field: String,
        of noun: String,
        _ problem: (Double) -> String?
    ) -> [Key: Double] where Key.RawValue == String {
        guard let values else {
            add(field, "is required")
            return [:]
        }
        var checked: [Key: Double] = [:]
        for key in Key.allCases {
            guard let value = values[key.rawValue] else {
                add("\(field).\(key.rawValue)", "is required")
                continue
            }
            if let problem = problem(value) { add("\(field).\(key.rawValue)", problem) } else { checked[key] = value }
        }
        for name in values.keys.sorted() where Key(rawValue: name) == nil { add("\(field).\(name)", "is not a \(noun)") }
        return checked
    }
}

extension String {
    public func trimmingWhitespace() -> String {
        guard let first = firstIndex(where: { !$0.isWhitespace }), let last = lastIndex(where: { !$0.isWhitespace }) else { return "" }
        return first == startIndex && last == index(before: endIndex) ? self : String(self[first...last])
    }
}
