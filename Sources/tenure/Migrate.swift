import ArgumentParser
import SQLiteStore
import TenurePersistence

/// `tenure migrate`: applies pending migrations and exits.
struct Migrate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Apply pending database migrations and exit.")

    @OptionGroup var database: DatabaseOptions

    func run() async throws {
        let applied = try SQLiteStorage.migrator.migrate(on: Connection(path: database.db))
        print(applied.isEmpty ? "Database is up to date." : "Applied: " + applied.joined(separator: ", "))
    }
}
