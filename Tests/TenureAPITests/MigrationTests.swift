import Foundation
import SQLiteStore
import TenureAPI
import TenureMigrations
import TenurePersistence
import Testing

@Suite struct MigrationTests {
    @Test func theBinaryEmbedsEveryMigrationFileInOrder() throws {
        let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../migrations").standardized
        let files = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".sql") }.sorted()
        #expect(TenureMigrations.all.map { $0.name + ".sql" } == files)
        for (name, sql) in TenureMigrations.all {
            #expect(try String(contentsOf: folder.appendingPathComponent(name + ".sql"), encoding: .utf8) == sql)
        }
    }

    @Test func noMigrateRefusesToStartOnAnOutdatedDatabase() async throws {
        var arguments = TestArguments()
        arguments.migrate = false
        await #expect(throws: MigrationError.pending(TenureMigrations.all.map(\.name))) { _ = try await buildApplication(arguments) }
    }

    @Test func aChangedAppliedMigrationStopsTheServerNamingIt() async throws {
        let arguments = TestArguments()
        try SQLiteStorage.migrator.migrate(on: Connection(path: arguments.databasePath))
        try Connection(path: arguments.databasePath).execute("UPDATE schema_migrations SET checksum = 'edited' WHERE name = '0001_foundation'")
        await #expect(throws: MigrationError.changed("0001_foundation")) { _ = try await buildApplication(arguments) }
    }

    @Test func anAppliedMigrationUnknownToTheBinaryStopsTheServer() async throws {
        let arguments = TestArguments()
        let connection = try Connection(path: arguments.databasePath)
        try SQLiteStorage.migrator.migrate(on: connection)
        try connection.execute("INSERT INTO schema_migrations VALUES ('9999_from_the_future', 'x', '2030-01-01T00:00:00Z')")
        await #expect(throws: MigrationError.unknown("9999_from_the_future")) { _ = try await buildApplication(arguments) }
    }
}
