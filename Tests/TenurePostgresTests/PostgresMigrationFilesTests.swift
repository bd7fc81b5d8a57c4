import Foundation
import TenurePostgresMigrations
import Testing

@Suite struct PostgresMigrationFilesTests {
    @Test func theBinaryEmbedsEveryPostgresMigrationFileInOrder() throws {
        let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../migrations/postgres").standardized
        let files = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".sql") }.sorted()
        #expect(TenurePostgresMigrations.all.map { $0.name + ".sql" } == files)
        for (name, sql) in TenurePostgresMigrations.all {
            #expect(try String(contentsOf: folder.appendingPathComponent(name + ".sql"), encoding: .utf8) == sql)
        }
    }

    /// PostgreSQL starts from a baseline equal to SQLite's schema after one of SQLite's migrations, then follows
    /// SQLite's numbers and names.
    @Test func postgresFollowsSQLitesMigrationsInLockstep() throws {
        let sqlite = try FileManager.default.contentsOfDirectory(
            atPath: URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../migrations/sqlite").standardized.path
        ).filter { $0.hasSuffix(".sql") }.sorted().map { String($0.dropLast(4)) }
        let postgres = TenurePostgresMigrations.all.map(\.name)
        let baseline = try #require(postgres.first)
        #expect(baseline.hasSuffix("_baseline"))
        let baselineNumber = baseline.prefix(4)
        #expect(sqlite.contains { $0.hasPrefix(baselineNumber) }, "the baseline stands for one of SQLite's migrations")
        #expect(Array(postgres.dropFirst()) == sqlite.filter { $0.prefix(4) > baselineNumber })
    }
}
