import Foundation

/// One test of an automation (`EVENTS.md`, "Conditions"): a path under `event`, `data` or `account`, an operator and a
/// value. Strings compare case-insensitively; a null (or missing) value fails every operator but `exists`, as does a
/// value of another type.
public struct AutomationCondition: Sendable, Equatable {
    public enum Op: String, Sendable, CaseIterable { case eq, ne, `in`, gt, gte, lt, lte, contains, exists }

    public static let roots = ["event", "data", "account"]

    public var field: String
    public var op: Op
    public var value: Value

    /// What a condition compares with: JSON scalars and lists.
    public indirect enum Value: Sendable, Equatable {
        case string(String)
        case number(Double)
        case bool(Bool)
        case list([Value])
        case null
    }

    public init(field: String, op: Op, value: Value) {
        self.field = field
        self.op = op
        self.value = value
    }

    /// Whether `actual` (the field's value, nil when missing) passes.
    public func passes(_ actual: Value?) -> Bool {
        let actual = actual ?? .null
        if op == .exists {
            let present = actual != .null
            if case .bool(let wanted) = value { return present == wanted }
            return present
        }
        guard actual != .null else { return false }
        switch op {
        case .eq: return Self.equal(actual, value)
        case .ne: return Self.comparable(actual, value) && !Self.equal(actual, value)
        case .in:
            guard case .list(let options) = value else { return false }
            return options.contains { Self.equal(actual, $0) }
        case .gt, .gte, .lt, .lte:
            guard let order = Self.order(actual, value) else { return false }
            switch op {
            case .gt: return order > 0
            case .gte: return order >= 0
            case .lt: return order < 0
            default: return order <= 0
            }
        case .contains:
            switch (actual, value) {
            case (.string(let text), .string(let part)): return text.lowercased().contains(part.lowercased())
            case (.list(let items), _): return items.contains { Self.equal($0, value) }
            default: return false
            }
        case .exists: return true
        }
    }

    private static func comparable(_ left: Value, _ right: Value) -> Bool {
        switch (left, right) {
        case (.string, .string), (.number, .number), (.bool, .bool): true
        default: false
        }
    }

    private static func equal(_ left: Value, _ right: Value) -> Bool {
        switch (left, right) {
        case (.string(let a), .string(let b)): a.lowercased() == b.lowercased()
        case (.number(let a), .number(let b)): a == b
        case (.bool(let a), .bool(let b)): a == b
        default: false
        }
    }

    /// Numbers by value, strings (instants in RFC 3339 among them) case-insensitively; nil for anything else.
    private static func order(_ left: Value, _ right: Value) -> Int? {
        switch (left, right) {
        case (.number(let a), .number(let b)): a < b ? -1 : a > b ? 1 : 0
        case (.string(let a), .string(let b)):
            a.lowercased() < b.lowercased() ? -1 : a.lowercased() > b.lowercased() ? 1 : 0
        default: nil
        }
    }
}

extension AutomationCondition.Value: Codable {
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let bool = try? container.decode(Bool.self) {
            self = .bool(bool)
        } else if let number = try? container.decode(Double.self) {
            self = .number(number)
        } else if let text = try? container.decode(String.self) {
            self = .string(text)
        } else {
            self = .list(try container.decode([AutomationCondition.Value].self))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .string(let text): try container.encode(text)
        case .number(let number):
            if number.rounded() == number, abs(number) < 1e15 { try container.encode(Int64(number)) } else { try container.encode(number) }
        case .bool(let bool): try container.encode(bool)
        case .list(let values): try container.encode(values)
        case .null: try container.encodeNil()
        }
    }
}
