/// What an API key may do: `read` GETs, `write` also writes, `admin` everything, `export` reads and takes lists out as
/// CSV (`INTEGRATIONS.md`) but writes nothing.
public enum Scope: String, Codable, CaseIterable, Sendable {
    case read, write, admin, export

    public func allows(_ needed: Scope) -> Bool {
        switch needed {
        case .read: true
        case .write: self == .write || self == .admin
        case .admin: self == .admin
        case .export: self == .export || self == .admin
        }
    }
}
