import Foundation
import TenureCore
import TenureJSON

/// Reading a JSON body field by field, so that every problem is named by its path (`rules[2].window`): what settings,
/// segments and playbooks read with a `Validator` instead of `Decodable`, which stops at the first problem.
enum JSONReading {
    static func number(_ value: Int) -> JSONValue { .integer(Int64(value)) }

    /// An integer, not a fraction nor a string.
    static func integer(_ value: JSONValue) -> Int? {
        guard case .integer(let value) = value else { return nil }
        return Int(exactly: value)
    }

    /// A member of an object as given (`null` included), or nil when it is absent: a missing setting takes its
    /// default, a `null` where the schema has none is a problem.
    static func member(_ value: JSONValue, _ key: String) -> JSONValue? {
        guard case .object(let object) = value else { return nil }
        return object[key]
    }

    /// The items of a list (nil when absent), each read by `read`; a value that is not a list (`null` too) is a problem.
    static func list<T>(
        _ value: JSONValue?,
        at: String,
        _ validator: inout Validator,
        limit: Int = 100,
        _ read: (JSONValue, String, inout Validator) -> T?
    ) -> [T]? {
        guard let value else { return nil }
        guard case .array(let items) = value, items.count <= limit else {
            validator.add(at, "must be a list of at most \(limit) items")
            return nil
        }
        return items.enumerated().compactMap { index, item in
            guard item.isObject else {
                validator.add("\(at)[\(index)]", "must be an object")
                return nil
            }
            return read(item, "\(at)[\(index)]", &validator)
        }
    }

    static func rejectUnknownKeys(_ value: JSONValue, allowed: Set<String>, at: String?, _ validator: inout Validator) {
        guard case .object(let object) = value else {
            validator.add(at ?? "body", "must be a JSON object")
            return
        }
        for (key, _) in object.members where !allowed.contains(key) {
            validator.add(at.map { "\($0).\(key)" } ?? key, "is not a field of this object")
        }
    }
}
