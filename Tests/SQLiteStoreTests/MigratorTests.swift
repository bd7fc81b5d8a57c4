import Foundation
import Logging
import Migrations
import SQLiteStore
import TenureTestSupport
import Testing

@Suite(.temporaryFolder) struct MigratorTests {
    let first = Migration(name: "0001_items", sql: "CREATE TABLE items (id INTEGER PRIMARY KEY, name TEXT NOT NULL) STRICT;")
    let second = Migration(name: "0002_tags", sql: "CREATE TABLE tags (id INTEGER PRIMARY KEY) STRICT;")

    @Test func appliesFromEmptyInOrderAndRerunsAsANoOp() throws {
        let connection = try Connection(path: temporaryPath())
        #expect(try Migrator(migrations: [second, first]).migrate(on: connection) == ["0001_items", "0002_tags"])
        #expect(try Migrator(migrations: [first, second]).migrate(on: connection) == [])
        let rows = try connection.query("SELECT name, checksum FROM schema_migrations ORDER BY name")
        #expect(rows.compactMap { $0.string("name") } == ["0001_items", "0002_tags"])
        #expect(rows.first?.string("checksum") == first.checksum)
    }

    @Test func appliesOnlyTheNewOnes() throws {
        let connection = try Connection(path: temporaryPath())
        try Migrator(migrations: [first]).migrate(on: connection)
        #expect(try Migrator(migrations: [first, second]).migrate(on: connection) == ["0002_tags"])
    }

    @Test func refusesAChangedMigration() throws {
        let connection = try Connection(path: temporaryPath())
        try Migrator(migrations: [first]).migrate(on: connection)
        let edited = Migration(name: "0001_items", sql: first.sql + " -- edited")
        #expect(throws: MigrationError.changed("0001_items")) { try Migrator(migrations: [edited]).migrate(on: connection) }
    }

    @Test func refusesAnUnknownAppliedMigration() throws {
        let connection = try Connection(path: temporaryPath())
        try Migrator(migrations: [first, second]).migrate(on: connection)
        #expect(throws: MigrationError.unknown("0002_tags")) { try Migrator(migrations: [first]).pending(on: connection) }
    }

    @Test func aFailingMigrationLeavesNoTrace() throws {
        let connection = try Connection(path: temporaryPath())
        let broken = Migration(name: "0002_broken", sql: "CREATE TABLE half (id INTEGER) STRICT; CREATE TABLE oops (;")
        #expect(throws: SQLiteError.self) { try Migrator(migrations: [first, broken]).migrate(on: connection) }
        #expect(try connection.query("SELECT name FROM sqlite_schema WHERE name = 'half'").isEmpty)
        #expect(try Migrator(migrations: [first, broken]).pending(on: connection).map(\.name) == ["0002_broken"])
    }
}
