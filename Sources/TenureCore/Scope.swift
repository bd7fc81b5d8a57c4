/// What an API key may do: `read` GETs, `write` also writes, `admin` everything.
public enum Scope: String, Codable, CaseIterable, Sendable, Comparable {
    case read, write, admin

    public func allows(_ needed: Scope) -> Bool { self >= needed }

    public static func < (lhs: Self, rhs: Self) -> Bool {
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }
}
