import Crypto
import Foundation

/// One schema change: a file name (its identity) and its SQL.
public struct Migration: Sendable {
    public let name: String
    public let sql: String

    public init(name: String, sql: String) {
        self.name = name
        self.sql = sql
    }

    /// SHA-256 of the SQL, so an edited migration is recognised.
    public var checksum: String {
        SHA256.hash(data: Data(sql.utf8)).map { String(format: "%02x", $0) }.joined()
    }
}

/// Why a database's migrations and a binary's disagree.
public enum MigrationError: Error, CustomStringConvertible, Equatable {
    /// An applied migration whose SQL is no longer the one that was applied.
    case changed(String)
    /// An applied migration this binary does not know (the database is newer than the binary).
    case unknown(String)
    /// Migrations still to apply, when applying them was refused.
    case pending([String])

    public var description: String {
        switch self {
        case .changed(let name): "migration \(name) was changed after it was applied; restore its original file"
        case .unknown(let name): "migration \(name) is applied in the database but unknown to this binary; run a newer tenure"
        case .pending(let names): "migrations not applied: \(names.joined(separator: ", ")); run `tenure migrate` or drop --no-migrate"
        }
    }
}

/// A binary's migrations, in name order, judged against what a database applied: the same rules on every backend.
public struct MigrationPlan: Sendable {
    public let migrations: [Migration]

    public init(_ migrations: [Migration]) {
        self.migrations = migrations.sorted { $0.name < $1.name }
    }

    /// The migrations still to apply, given the applied ones' names and checksums; throws when an applied one changed
    /// or is unknown.
    public func pending(applied: [(name: String, checksum: String)]) throws -> [Migration] {
        let known = Dictionary(uniqueKeysWithValues: migrations.map { ($0.name, $0) })
        for (name, checksum) in applied.sorted(by: { $0.name < $1.name }) {
            guard let migration = known[name] else { throw MigrationError.unknown(name) }
            guard migration.checksum == checksum else { throw MigrationError.changed(name) }
        }
        let appliedNames = Set(applied.map(\.name))
        return migrations.filter { !appliedNames.contains($0.name) }
    }
}
