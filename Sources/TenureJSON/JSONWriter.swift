import Foundation

/// Writes `Encodable` values as `JSONEncoder` writes them with the same settings and `[.sortedKeys,
/// .withoutEscapingSlashes]`, byte for byte (debug builds check every API response), at a fraction of its cost:
/// Foundation's encoder was a large part of a bulk import's CPU and of a Stripe delivery's. A value is written as
/// soon as it is complete; only containers still open are kept as boxes, since one may be filled after a nested one
/// was handed out.
public struct JSONWriter: Sendable {
    public enum Keys: Sendable {
        /// Property names as they are (`JSONEncoder`'s default).
        case asWritten
        /// `.convertToSnakeCase`, except the keys of `[String: _]` dictionaries, as `JSONEncoder` does.
        case snakeCase
    }

    public enum Dates: Sendable {
        /// Seconds since 2001-01-01 (`JSONEncoder`'s default).
        case secondsSinceReferenceDate
        /// The string `format` gives.
        case formatted(@Sendable (Date) -> String)
    }

    public var keys: Keys
    public var dates: Dates

    public init(keys: Keys = .asWritten, dates: Dates = .secondsSinceReferenceDate) {
        self.keys = keys
        self.dates = dates
    }

    public func encode<T: Encodable>(_ value: T) throws -> [UInt8] { try TreeEncoder(writer: self, codingPath: []).box(value, at: []).written }

    fileprivate func key(_ name: String) -> String {
        switch keys {
        case .asWritten: name
        case .snakeCase: Self.snakeCase(name)
        }
    }

    /// `name` as `.convertToSnakeCase` writes it.
    public static func snakeCase(_ name: String) -> String { SnakeCase.name(name) }

    /// A JSON string: `"` and `\` escaped, control characters as `\b \f \n \r \t` or `\u00xx`, all else as it is.
    package static func string(_ string: String, to output: inout [UInt8]) {
        var string = string
        string.withUTF8 { bytes in
            output.append(UInt8(ascii: "\""))
            if bytes.allSatisfy({ $0 >= 0x20 && $0 != UInt8(ascii: "\"") && $0 != UInt8(ascii: "\\") }) {
                output.append(contentsOf: bytes)
            } else {
                escape(bytes, to: &output)
            }
            output.append(UInt8(ascii: "\""))
        }
    }

    private static func escape(_ bytes: UnsafeBufferPointer<UInt8>, to output: inout [UInt8]) {
        for byte in bytes {
            switch byte {
            case UInt8(ascii: "\""): output.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\"")])
            case UInt8(ascii: "\\"): output.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\\")])
            case 0x08: output.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "b")])
            case 0x0C: output.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "f")])
            case 0x0A: output.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "n")])
            case 0x0D: output.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "r")])
            case 0x09: output.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "t")])
            case ..<0x20:
                let hex = Array("0123456789abcdef".utf8)
                output.append(contentsOf: Array("\\u00".utf8) + [hex[Int(byte >> 4)], hex[Int(byte & 0xF)]])
            default: output.append(byte)
            }
        }
    }

    /// `description` without a trailing `.0`, as `JSONEncoder` writes a floating-point number.
    package static func text(of value: some BinaryFloatingPoint & CustomStringConvertible, at path: [any CodingKey]) throws -> String {
        guard value.isFinite else {
            throw EncodingError.invalidValue(value, EncodingError.Context(codingPath: path, debugDescription: "\(value) is not valid JSON"))
        }
        var text = value.description
        if text.hasSuffix(".0") { text.removeLast(2) }
        return text
    }
}

/// Snake-case names, each converted once by `JSONEncoder` itself, so they are exactly Foundation's; a name with no
/// capital letter is its own.
private enum SnakeCase {
    private static let converted = NSLock()
    nonisolated(unsafe) private static var names: [String: String] = [:]

    static func name(_ name: String) -> String {
        guard name.utf8.contains(where: { ($0 >= UInt8(ascii: "A") && $0 <= UInt8(ascii: "Z")) || $0 >= 0x80 }) else { return name }
        if let known = converted.withLock({ names[name] }) { return known }
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        let json = (try? encoder.encode(OneKey(key: AnyKey(name)))).map { String(decoding: $0, as: UTF8.self) } ?? ""
        // `{"snake_name":0}`
        let snake = json.count > 5 ? String(json.dropFirst(2).dropLast(4)) : name
        converted.withLock { names[name] = snake }
        return snake
    }

    private struct OneKey: Encodable {
        let key: AnyKey

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: AnyKey.self)
            try container.encode(0, forKey: key)
        }
    }
}

/// A node of the tree: a scalar already written, or a container that may still be filled.
private enum Node {
    case scalar([UInt8])
    case array(ArrayBox)
    case object(ObjectBox)

    static var null: Node { .scalar(Array("null".utf8)) }

    var written: [UInt8] {
        var output: [UInt8] = []
        write(to: &output)
        return output
    }

    /// Members by key (`String`'s `<`, as `.sortedKeys`); a key encoded twice keeps its last value, as in `JSONEncoder`.
    func write(to output: inout [UInt8]) {
        switch self {
        case .scalar(let bytes):
            output.append(contentsOf: bytes)
        case .array(let box):
            output.append(UInt8(ascii: "["))
            for (index, item) in box.items.enumerated() {
                if index > 0 { output.append(UInt8(ascii: ",")) }
                item.write(to: &output)
            }
            output.append(UInt8(ascii: "]"))
        case .object(let box):
            output.append(UInt8(ascii: "{"))
            let members = box.members.enumerated().sorted { ($0.element.key, $0.offset) < ($1.element.key, $1.offset) }
            var first = true
            for (index, member) in members.enumerated() {
                if index + 1 < members.count, members[index + 1].element.key == member.element.key { continue }
                if !first { output.append(UInt8(ascii: ",")) }
                first = false
                JSONWriter.string(member.element.key, to: &output)
                output.append(UInt8(ascii: ":"))
                member.element.node.write(to: &output)
            }
            output.append(UInt8(ascii: "}"))
        }
    }

    static func string(_ string: String) -> Node {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(string.utf8.count + 2)
        JSONWriter.string(string, to: &bytes)
        return .scalar(bytes)
    }

    static func number(_ value: Int) -> Node { .scalar(Array(String(value).utf8)) }

    static func number(_ value: some BinaryFloatingPoint & CustomStringConvertible, at path: [any CodingKey]) throws -> Node {
        .scalar(Array(try JSONWriter.text(of: value, at: path).utf8))
    }
}

private final class ArrayBox {
    var items: [Node] = []
}

private final class ObjectBox {
    var members: [(key: String, node: Node)] = []

    func set(_ key: String, _ node: Node) { members.append((key, node)) }
}

/// `[String: _]` dictionaries, whose keys are data and never converted.
private protocol StringKeyedDictionary {
    func box(with encoder: TreeEncoder, at path: [any CodingKey]) throws -> Node
}

extension Dictionary: StringKeyedDictionary where Key == String, Value: Encodable {
    fileprivate func box(with encoder: TreeEncoder, at path: [any CodingKey]) throws -> Node {
        let box = ObjectBox()
        for (key, value) in self { box.set(key, try encoder.box(value, at: path + [AnyKey(key)])) }
        return .object(box)
    }
}

private struct AnyKey: CodingKey {
    var stringValue: String
    var intValue: Int?
    init(_ string: String) { stringValue = string }
    init(stringValue: String) { self.stringValue = stringValue }
    init(intValue: Int) {
        stringValue = String(intValue)
        self.intValue = intValue
    }
}

private final class TreeEncoder: Encoder {
    let writer: JSONWriter
    let codingPath: [any CodingKey]
    var userInfo: [CodingUserInfoKey: Any] { [:] }
    var node: Node?

    init(writer: JSONWriter, codingPath: [any CodingKey]) {
        self.writer = writer
        self.codingPath = codingPath
    }

    func box<T: Encodable>(_ value: T, at path: [any CodingKey]) throws -> Node {
        switch value {
        case let string as String: return .string(string)
        case let int as Int: return .number(int)
        case let bool as Bool: return .scalar(Array((bool ? "true" : "false").utf8))
        case let double as Double: return try .number(double, at: path)
        case let float as Float: return try .number(float, at: path)
        case let date as Date:
            switch writer.dates {
            case .secondsSinceReferenceDate: return try .number(date.timeIntervalSinceReferenceDate, at: path)
            case .formatted(let format): return .string(format(date))
            }
        case let dictionary as any StringKeyedDictionary: return try dictionary.box(with: self, at: path)
        case let raw as RawJSON: return .scalar(raw.bytes)
        // Every other primitive, whose `encode(to:)` would come back here.
        case let integer as any BinaryInteger: return .scalar(Array("\(integer)".utf8))
        default:
            let nested = TreeEncoder(writer: writer, codingPath: path)
            try value.encode(to: nested)
            return .scalar(nested.node?.written ?? Array("{}".utf8))
        }
    }

    func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
        let box: ObjectBox
        if case .object(let existing) = node {
            box = existing
        } else {
            box = ObjectBox()
            node = .object(box)
        }
        return KeyedEncodingContainer(KeyedWriter(encoder: self, box: box, codingPath: codingPath))
    }

    func unkeyedContainer() -> any UnkeyedEncodingContainer {
        let box: ArrayBox
        if case .array(let existing) = node {
            box = existing
        } else {
            box = ArrayBox()
            node = .array(box)
        }
        return UnkeyedWriter(encoder: self, box: box, codingPath: codingPath)
    }

    func singleValueContainer() -> any SingleValueEncodingContainer { SingleValueWriter(encoder: self) }

    /// An encoder at `path` for a parent's super encoder, and the object it writes into, for the parent to hold.
    func superEncoder(at path: [any CodingKey]) -> (encoder: TreeEncoder, object: Node) {
        let nested = TreeEncoder(writer: writer, codingPath: path)
        let object = Node.object(ObjectBox())
        nested.node = object
        return (nested, object)
    }
}

private struct KeyedWriter<Key: CodingKey>: KeyedEncodingContainerProtocol {
    let encoder: TreeEncoder
    let box: ObjectBox
    let codingPath: [any CodingKey]

    private func name(_ key: Key) -> String { encoder.writer.key(key.stringValue) }

    mutating func encodeNil(forKey key: Key) throws { box.set(name(key), .null) }

    mutating func encode<T: Encodable>(_ value: T, forKey key: Key) throws {
        box.set(name(key), try encoder.box(value, at: codingPath + [key]))
    }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type, forKey key: Key) -> KeyedEncodingContainer<NestedKey> {
        let nested = ObjectBox()
        box.set(name(key), .object(nested))
        return KeyedEncodingContainer(KeyedWriter<NestedKey>(encoder: encoder, box: nested, codingPath: codingPath + [key]))
    }

    mutating func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer {
        let nested = ArrayBox()
        box.set(name(key), .array(nested))
        return UnkeyedWriter(encoder: encoder, box: nested, codingPath: codingPath + [key])
    }

    mutating func superEncoder() -> any Encoder { superEncoder(named: "super") }

    mutating func superEncoder(forKey key: Key) -> any Encoder { superEncoder(named: name(key)) }

    private func superEncoder(named name: String) -> any Encoder {
        let nested = encoder.superEncoder(at: codingPath + [AnyKey(name)])
        box.set(name, nested.object)
        return nested.encoder
    }
}

private struct UnkeyedWriter: UnkeyedEncodingContainer {
    let encoder: TreeEncoder
    let box: ArrayBox
    let codingPath: [any CodingKey]
    var count: Int { box.items.count }

    private var nextKey: AnyKey { AnyKey(intValue: box.items.count) }

    mutating func encodeNil() throws { box.items.append(.null) }

    mutating func encode<T: Encodable>(_ value: T) throws { box.items.append(try encoder.box(value, at: codingPath + [nextKey])) }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type) -> KeyedEncodingContainer<NestedKey> {
        let nested = ObjectBox()
        let path = codingPath + [nextKey]
        box.items.append(.object(nested))
        return KeyedEncodingContainer(KeyedWriter<NestedKey>(encoder: encoder, box: nested, codingPath: path))
    }

    mutating func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer {
        let nested = ArrayBox()
        let path = codingPath + [nextKey]
        box.items.append(.array(nested))
        return UnkeyedWriter(encoder: encoder, box: nested, codingPath: path)
    }

    mutating func superEncoder() -> any Encoder {
        let nested = encoder.superEncoder(at: codingPath + [nextKey])
        box.items.append(nested.object)
        return nested.encoder
    }
}

private struct SingleValueWriter: SingleValueEncodingContainer {
    let encoder: TreeEncoder
    var codingPath: [any CodingKey] { encoder.codingPath }

    mutating func encodeNil() throws { encoder.node = .null }

    mutating func encode<T: Encodable>(_ value: T) throws { encoder.node = try encoder.box(value, at: codingPath) }
}
