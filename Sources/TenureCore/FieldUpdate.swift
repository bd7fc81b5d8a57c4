import Foundation

/// A change to one field of a PATCH: left alone, cleared with `null`, or set.
public enum FieldUpdate<Value: Sendable>: Sendable {
    case keep
    case clear
    case set(Value)

    /// The field's value after the update.
    public func applied(to current: Value?) -> Value? {
        switch self {
        case .keep: current
        case .clear: nil
        case .set(let value): value
        }
    }

    public var isKept: Bool {
        if case .keep = self { return true }
        return false
    }

    public func map<T>(_ transform: (Value) -> T?) -> FieldUpdate<T> {
        switch self {
        case .keep: .keep
        case .clear: .clear
        case .set(let value): transform(value).map { .set($0) } ?? .clear
        }
    }
}

extension FieldUpdate: Decodable where Value: Decodable {
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        self = container.decodeNil() ? .clear : .set(try container.decode(Value.self))
    }
}

extension KeyedDecodingContainer {
    /// A field missing from a PATCH body is left as it is.
    public func decode<T: Decodable>(_ type: FieldUpdate<T>.Type, forKey key: Key) throws -> FieldUpdate<T> {
        guard contains(key) else { return .keep }
        return try decodeNil(forKey: key) ? .clear : .set(decode(T.self, forKey: key))
    }
}
