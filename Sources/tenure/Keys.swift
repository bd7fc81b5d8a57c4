import ArgumentParser
import Foundation
import Logging
import TenureCore
import TenurePersistence
import TenureServices

/// `tenure keys create|list|revoke`.
struct Keys: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Manage API keys (secrets are shown once and stored hashed).",
        subcommands: [Create.self, List.self, Revoke.self]
    )

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create a key and print its secret once.")
        @OptionGroup var database: DatabaseOptions
        @Option(help: "A name that says who uses the key.") var name: String
        @Option(help: "read, write, admin or export (reads and CSV lists, no writes).") var scope: Scope
        @Option(help: "Keep the key to the accounts of this owner (compared trimmed, in any case); read or write only.") var owner: String?
        @Option(help: "Keep the key to an area of the API: support (cases and the support metrics); read or write only.") var area: KeyArea?

        func run() async throws {
            let (key, secret) = try await withKeys(database) { try await $0.create(name: name, scope: scope, owner: owner, area: area) }
            let kept = [key.owner.map { "owner \($0)" }, key.area.map { "area \($0.rawValue)" }].compactMap { $0 }
            let restriction = kept.isEmpty ? "" : ", kept to " + kept.joined(separator: " and ")
            print("Created key \(key.id) (\(key.name), scope \(key.scope.rawValue)\(restriction)). Its secret, shown only now:\n\(secret)")
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List keys (never their secrets).")
        @OptionGroup var database: DatabaseOptions

        func run() async throws {
            let keys = try await withKeys(database) { try await $0.list() }
            for key in keys {
                let state = key.revokedAt.map { "revoked \(Timestamp.format($0))" } ?? "active"
                print("\(key.id)  \(key.name)  \(key.scope.rawValue)  \(key.prefix)…  created \(Timestamp.format(key.createdAt))  \(state)")
            }
        }
    }

    struct Revoke: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Revoke a key by id or name; it stops working at once.")
        @OptionGroup var database: DatabaseOptions
        @Argument(help: "The key's id or name.") var key: String

        func run() async throws {
            try await withKeys(database) { try await $0.revoke(key) }
            print("Revoked \(key).")
        }
    }
}

extension Scope: ExpressibleByArgument {}
extension KeyArea: ExpressibleByArgument {}

/// Opens the database (migrating it), runs `body` with the key service and closes the database again.
func withKeys<T: Sendable>(_ database: DatabaseOptions, _ body: (KeyService) async throws -> T) async throws -> T {
    try await database.with { try await body(KeyService(storage: $0, clock: .system)) }
}
