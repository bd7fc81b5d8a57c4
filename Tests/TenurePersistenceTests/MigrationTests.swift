import Foundation
import Logging
import Migrations
import SQLiteStore
import TenureMigrations
import TenurePersistence
import TenureTestSupport
import Testing

@Suite(.temporaryFolder) struct MigrationTests {
    @Test func theBinaryEmbedsEveryMigrationFileInOrder() throws {
        let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../migrations/sqlite").standardized
        let files = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".sql") }.sorted()
        #expect(TenureMigrations.all.map { $0.name + ".sql" } == files)
        for (name, sql) in TenureMigrations.all {
            #expect(try String(contentsOf: folder.appendingPathComponent(name + ".sql"), encoding: .utf8) == sql)
        }
    }

    func openStorage(_ path: String, migrate: Bool = true) async throws {
        await (try await SQLiteStorage(path: path, durability: .normal, migrate: migrate, logger: Logger(label: "test"))).close()
    }

    /// 0005 backfills each case's `changed_at` from its stored history, which the support metrics' window reads.
    @Test func caseChangesAreBackfilledFromTheirHistory() async throws {
        let path = TemporaryFolder.path("tenure.sqlite")
        let upTo0004 = Migrator(migrations: TenureMigrations.all.prefix(4).map { Migration(name: $0.name, sql: $0.sql) })
        let connection = try Connection(path: path)
        _ = try upTo0004.migrate(on: connection)
        try connection.execute(
            """
            INSERT INTO accounts (id, name, created_at, updated_at) VALUES ('acc_1', 'Old', 0, 0);
            INSERT INTO cases (id, account_id, subject, priority, opened_at, status, transitions, created_at, updated_at) VALUES
                ('case_1', 'acc_1', 'Resolved then reopened', 'high', 1000, 'open', '[["resolved","5000"],["open","9000"]]', 0, 99999),
                ('case_2', 'acc_1', 'Never changed', 'low', 2000, 'open', '[]', 0, 99999);
            """
        )
        _ = try SQLiteStorage.migrator.migrate(on: connection)
        let changed = try await connection.query("SELECT id, changed_at FROM cases ORDER BY id").map {
            "\($0.string("id") ?? ""):\($0.int("changed_at") ?? -1)"
        }
        #expect(changed == ["case_1:9000", "case_2:2000"])
    }

    @Test func noMigrateRefusesToStartOnAnOutdatedDatabase() async throws {
        let path = TemporaryFolder.path("tenure.sqlite")
        await #expect(throws: MigrationError.pending(TenureMigrations.all.map(\.name))) { try await openStorage(path, migrate: false) }
    }

    @Test func aChangedAppliedMigrationStopsTheServerNamingIt() async throws {
        let path = TemporaryFolder.path("tenure.sqlite")
        try SQLiteStorage.migrator.migrate(on: Connection(path: path))
        try Connection(path: path).execute("UPDATE schema_migrations SET checksum = 'edited' WHERE name = '0001_foundation'")
        await #expect(throws: MigrationError.changed("0001_foundation")) { try await openStorage(path) }
    }

    @Test func anAppliedMigrationUnknownToTheBinaryStopsTheServer() async throws {
        let path = TemporaryFolder.path("tenure.sqlite")
        let connection = try Connection(path: path)
        try SQLiteStorage.migrator.migrate(on: connection)
        try connection.execute("INSERT INTO schema_migrations VALUES ('9999_from_the_future', 'x', '2030-01-01T00:00:00Z')")
        await #expect(throws: MigrationError.unknown("9999_from_the_future")) { try await openStorage(path) }
    }
}
