import Foundation

/// An object's members in the order they came. A key given twice reads as its last value; two objects are equal when
/// they read the same, whatever their order. Members are found by a scan: an event's objects are small, and hashing
/// every key of every object, most of them never read, was a large part of parsing one.
public struct JSONObject: Sendable, Equatable, ExpressibleByDictionaryLiteral {
    package let members: [(key: String, value: JSONValue)]

    package init(members: [(key: String, value: JSONValue)]) { self.members = members }

    public init(_ dictionary: [String: JSONValue]) { members = dictionary.map { ($0.key, $0.value) } }

    public init(dictionaryLiteral elements: (String, JSONValue)...) { members = elements.map { ($0, $1) } }

    public subscript(_ key: String) -> JSONValue? { members.last { $0.key == key }?.value }

    /// What the object reads as: each key once, with its last value.
    public var dictionary: [String: JSONValue] { Dictionary(members, uniquingKeysWith: { _, last in last }) }

    public static func == (left: JSONObject, right: JSONObject) -> Bool { left.dictionary == right.dictionary }
}
