import Foundation

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
}

extension JSONValue: Encodable {
    /// Writes the value back as JSON (each member of an object once, with its last value).
    public func encode(to encoder: any Encoder) throws {
        switch self {
        case .object(let object):
            var container = encoder.container(keyedBy: MemberKey.self)
            for (key, value) in object.dictionary { try container.encode(value, forKey: MemberKey(stringValue: key)) }
        case .array(let values):
            var container = encoder.unkeyedContainer()
            for value in values { try container.encode(value) }
        case .string(let value):
            var container = encoder.singleValueContainer()
            try container.encode(value)
        case .integer(let value):
            var container = encoder.singleValueContainer()
            try container.encode(value)
        case .number(let value):
            var container = encoder.singleValueContainer()
            try container.encode(value)
        case .bool(let value):
            var container = encoder.singleValueContainer()
            try container.encode(value)
        case .null:
            var container = encoder.singleValueContainer()
            try container.encodeNil()
        }
    }

    private struct MemberKey: CodingKey {
        let stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }
}

/// JSON already written, embedded as it is: `JSONWriter` copies its bytes, so a stored rendering is sent without being
/// parsed and written again. It must be canonical (keys sorted, as `JSONWriter` writes them) for the output to be.
public struct RawJSON: Encodable, Sendable, Equatable {
    public let bytes: [UInt8]

    public init(_ bytes: [UInt8]) { self.bytes = bytes }

    public init(_ text: String) { bytes = Array(text.utf8) }

    /// Other encoders (`JSONEncoder`) get the value it reads as.
    public func encode(to encoder: any Encoder) throws { try (JSONValue.parse(bytes) ?? .null).encode(to: encoder) }
}

extension JSONValue {
    /// The value as `JSONWriter` writes it (keys sorted, a key given twice keeping its last value), written directly:
    /// what stored JSON is kept as. A non-finite number, which no parsed value holds, is written as null.
    public var canonicalText: String {
        var output: [UInt8] = []
        write(to: &output)
        return String(decoding: output, as: UTF8.self)
    }

    private func write(to output: inout [UInt8]) {
        switch self {
        case .object(let object):
            output.append(UInt8(ascii: "{"))
            for (index, key) in object.dictionary.keys.sorted().enumerated() {
                if index > 0 { output.append(UInt8(ascii: ",")) }
                JSONWriter.string(key, to: &output)
                output.append(UInt8(ascii: ":"))
                (object[key] ?? .null).write(to: &output)
            }
            output.append(UInt8(ascii: "}"))
        case .array(let values):
            output.append(UInt8(ascii: "["))
            for (index, value) in values.enumerated() {
                if index > 0 { output.append(UInt8(ascii: ",")) }
                value.write(to: &output)
            }
            output.append(UInt8(ascii: "]"))
        case .string(let text): JSONWriter.string(text, to: &output)
        case .integer(let value): output.append(contentsOf: String(value).utf8)
        case .number(let value): output.append(contentsOf: ((try? JSONWriter.text(of: value, at: [])) ?? "null").utf8)
        case .bool(let value): output.append(contentsOf: (value ? "true" : "false").utf8)
        case .null: output.append(contentsOf: "null".utf8)
        }
    }
}
