/// An account's market segment.
public enum Segment: String, Codable, CaseIterable, Sendable {
    case smb
    case midMarket = "mid_market"
    case enterprise
}

/// Where an account is in its life with us, always derived (`METRICS.md`).
public enum LifecycleStage: String, Codable, CaseIterable, Sendable {
    case prospect
    case pendingPayment = "pending_payment"
    case customer, churned
}

/// A contact's role for relationship scoring (`HEALTH.md`).
public enum ContactRole: String, Codable, CaseIterable, Sendable {
    case user, executive, other
}

public enum RelationshipStrength: String, Codable, CaseIterable, Sendable, Comparable {
    case none, weak, medium, strong
    case veryStrong = "very_strong"

    /// `strong` and `very_strong` count as strong relationships.
    public var isStrong: Bool { self >= .strong }

    public static func < (lhs: Self, rhs: Self) -> Bool {
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }
}

public enum ActivityType: String, Codable, CaseIterable, Sendable {
    case email, call, meeting, note, task
}

public enum ActivityDirection: String, Codable, CaseIterable, Sendable {
    case inbound, outbound
}

/// What an API key may do: `read` GETs, `write` also writes, `admin` everything.
public enum Scope: String, Codable, CaseIterable, Sendable, Comparable {
    case read, write, admin

    public func allows(_ needed: Scope) -> Bool { self >= needed }

    public static func < (lhs: Self, rhs: Self) -> Bool {
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }
}

extension RawRepresentable where RawValue == String, Self: CaseIterable {
    /// Parses a raw value, or records "must be one of …" for `field`.
    public static func parse(_ text: String?, _ field: String, _ validator: inout Validator) -> Self? {
        guard let text else { return nil }
        if let value = Self(rawValue: text) { return value }
        validator.add(field, "must be one of " + allCases.map(\.rawValue).joined(separator: ", "))
        return nil
    }
}
