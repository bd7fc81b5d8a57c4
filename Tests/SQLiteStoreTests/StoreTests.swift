import Foundation
import Logging
import SQLiteStore
import Testing

func temporaryPath(_ name: String = "store.sqlite") -> String {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("tenure-store-\(UUID().uuidString)")
    try? FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    return folder.appendingPathComponent(name).path
}

@Suite struct MigratorTests {
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

@Suite struct DatabaseTests {
    func openDatabase() throws -> Database {
        let path = temporaryPath()
        let setup = try Connection(path: path)
        try setup.execute("CREATE TABLE items (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE) STRICT")
        return try Database(path: path, durability: .full, readers: 2, logger: Logger(label: "test"))
    }

    @Test func connectionsAreConfiguredAsPromised() async throws {
        let database = try openDatabase()
        let settings = try await database.withWriterConnection { connection in
            (
                try connection.first("PRAGMA journal_mode")?.string("journal_mode"), try connection.first("PRAGMA foreign_keys")?.int("foreign_keys"),
                try connection.first("PRAGMA synchronous")?.int("synchronous"),
                try connection.first("PRAGMA wal_autocheckpoint")?.int("wal_autocheckpoint")
            )
        }
        #expect(settings.0 == "wal")
        #expect(settings.1 == 1)
        #expect(settings.2 == 2, "FULL")
        #expect(settings.3 == 4_000)
        await #expect(throws: SQLiteError.self) { try await database.read { try $0.query("INSERT INTO items (name) VALUES ('x')") } }
        await database.close()
    }

    @Test func concurrentWritesAreGroupCommittedAndAFailingOneFailsAlone() async throws {
        let database = try openDatabase()
        let results = await withTaskGroup(of: Bool.self) { group in
            for index in 0..<500 {
                group.addTask {
                    // Every 10th write repeats a name: its unique violation must not undo the others in its batch.
                    let name = index % 10 == 0 && index > 0 ? "item-0" : "item-\(index)"
                    return (try? await database.write { try $0.query("INSERT INTO items (name) VALUES (?)", [name]) }) != nil
                }
            }
            return await group.reduce(into: [Bool]()) { $0.append($1) }
        }
        #expect(results.filter { $0 }.count == 451)
        let count = try await database.read { try $0.first("SELECT count(*) AS n FROM items")?.int("n") }
        #expect(count == 451)
        await database.close()
    }

    @Test func writesAnswerOnlyAfterCommitSoAReaderSeesThem() async throws {
        let database = try openDatabase()
        for index in 0..<20 {
            try await database.write { try $0.query("INSERT INTO items (name) VALUES (?)", ["n\(index)"]) }
            let seen = try await database.read { try $0.first("SELECT count(*) AS n FROM items")?.int("n") }
            #expect(seen == index + 1)
        }
        await database.close()
    }

    @Test func aThrowingWriteRollsBackItsOwnChanges() async throws {
        let database = try openDatabase()
        struct Refused: Error {}
        await #expect(throws: Refused.self) {
            try await database.write { connection in
                try connection.query("INSERT INTO items (name) VALUES ('kept out')")
                throw Refused()
            }
        }
        #expect(try await database.read { try $0.query("SELECT * FROM items") }.isEmpty)
        await database.close()
    }

    @Test func closedDatabaseRefusesWork() async throws {
        let database = try openDatabase()
        await database.close()
        await #expect(throws: SQLiteError.self) { try await database.write { try $0.query("SELECT 1") } }
    }

    @Test func backupIsAConsistentCopyWhileWritesContinue() async throws {
        let database = try openDatabase()
        let writer = Task {
            for index in 0..<300 { try await database.write { try $0.query("INSERT INTO items (name) VALUES (?)", ["w\(index)"]) } }
        }
        try await Task.sleep(for: .milliseconds(20))
        let copy = temporaryPath("copy.sqlite")
        try Database.backup(from: database.path, to: copy)
        try await writer.value
        let backup = try Connection(path: copy, readOnly: true)
        #expect(try backup.first("PRAGMA integrity_check")?.string("integrity_check") == "ok")
        let names = try backup.query("SELECT name FROM items ORDER BY id").compactMap { $0.string("name") }
        #expect(names == (0..<names.count).map { "w\($0)" }, "a prefix of the writes, none torn")
        await database.close()
    }
}

@Suite struct ValueTests {
    /// Found by scripts/fuzz: text was read up to its first NUL, so a name holding U+0000 came back cut short.
    @Test func textRoundTripsWhateverItHolds() throws {
        let connection = try Connection(path: temporaryPath())
        try connection.execute("CREATE TABLE t (value TEXT)")
        let texts = ["Robert'); DROP TABLE t;--", "nul \u{0} inside", "emoji 🧾 and accents é", ""]
        for text in texts { try connection.query("INSERT INTO t (value) VALUES (?)", [text]) }
        #expect(try connection.query("SELECT value FROM t ORDER BY rowid").map { $0.string("value") } == texts)
    }
}
