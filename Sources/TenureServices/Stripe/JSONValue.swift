import Foundation
import TenureCore

/// Any JSON, read tolerantly: Stripe objects carry many fields Tenure ignores, and any of them may be absent or null.
public enum JSONValue: Sendable, Equatable {
    case object(JSONObject)
    case array([JSONValue])
    case string(String)
    case integer(Int64)
    case number(Double)
    case bool(Bool)
    case null

    /// The value of a JSON text (RFC 8259), or nil when it is not one, is not UTF-8 or nests deeper than 256 levels.
    public static func parse(_ bytes: [UInt8]) -> JSONValue? {
        bytes.withUnsafeBufferPointer { buffer in
            var parser = JSONParser(buffer)
            return parser.document()
        }
    }

    public subscript(_ key: String) -> JSONValue {
        if case .object(let object) = self { return object[key] ?? .null }
        return .null
    }

    public var string: String? {
        if case .string(let value) = self { return value }
        return nil
    }

    public var int: Int? {
        switch self {
        case .integer(let value): Int(exactly: value)
        case .number(let value): Int(exactly: value)
        default: nil
        }
    }

    public var bool: Bool? {
        if case .bool(let value) = self { return value }
        return nil
    }

    public var array: [JSONValue] {
        if case .array(let values) = self { return values }
        return []
    }

    public var isObject: Bool {
        if case .object = self { return true }
        return false
    }

    /// A Unix timestamp in seconds.
    public var date: Date? { int.map { Date(timeIntervalSince1970: Double($0)) } }

    /// A number as an exact rational (a decimal string such as `unit_amount_decimal`, or an integer).
    public var rational: Rational? {
        switch self {
        case .string(let text): Rational(decimal: text)
        case .integer(let value): Rational(Int128(value))
        case .number(let value): Rational(decimal: String(value))
        default: nil
        }
    }
}

/// An object's members in the order they came. A key given twice reads as its last value; two objects are equal when
/// they read the same, whatever their order. Members are found by a scan: an event's objects are small, and hashing
/// every key of every object, most of them never read, was a third of parsing one.
public struct JSONObject: Sendable, Equatable, ExpressibleByDictionaryLiteral {
    let members: [(key: String, value: JSONValue)]

    init(members: [(key: String, value: JSONValue)]) { self.members = members }

    public init(_ dictionary: [String: JSONValue]) { members = dictionary.map { ($0.key, $0.value) } }

    public init(dictionaryLiteral elements: (String, JSONValue)...) { members = elements.map { ($0, $1) } }

    public subscript(_ key: String) -> JSONValue? { members.last { $0.key == key }?.value }

    /// What the object reads as: each key once, with its last value.
    public var dictionary: [String: JSONValue] { Dictionary(members, uniquingKeysWith: { _, last in last }) }

    public static func == (left: JSONObject, right: JSONObject) -> Bool { left.dictionary == right.dictionary }
}
