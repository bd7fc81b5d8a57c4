import Foundation
import Logging
import SQLiteStore
import TenureTestSupport
import Testing

@Suite(.temporaryFolder) struct DatabaseTests {
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
            _ = try await database.write { try $0.query("INSERT INTO items (name) VALUES (?)", ["n\(index)"]) }
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
        // Enough rows that the copy takes a while, so the writer below commits while it runs.
        _ = try await database.write { connection in
            try connection.query(
                """
                WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 50000)
                INSERT INTO items (name) SELECT 'p' || i || '-' || hex(randomblob(64)) FROM n
                """
            )
        }
        let writer = Task {
            var index = 0
            while !Task.isCancelled {
                let name = "w\(index)"
                _ = try await database.write { try $0.query("INSERT INTO items (name) VALUES (?)", [name]) }
                index += 1
            }
        }
        func written() throws -> Int { try Connection(path: database.path, readOnly: true).first("SELECT count(*) AS n FROM items")?.int("n") ?? 0 }
        while try written() < 50_010 { try await Task.sleep(for: .milliseconds(1)) }
        let before = try written()
        let copy = temporaryPath("copy.sqlite")
        // On a thread of its own, as `tenure backup` runs beside the server: the writer's task keeps the test's threads.
        try await withCheckedThrowingContinuation { (done: CheckedContinuation<Void, any Error>) in
            Thread { done.resume(with: Result { try Database.backup(from: database.path, to: copy) }) }.start()
        }
        let after = try written()
        writer.cancel()
        _ = try? await writer.value
        await database.close()
        #expect(after > before, "the writer committed while the copy ran")
        let backup = try Connection(path: copy, readOnly: true)
        #expect(try backup.first("PRAGMA integrity_check")?.string("integrity_check") == "ok")
        let names = try backup.query("SELECT name FROM items WHERE name LIKE 'w%' ORDER BY id").compactMap { $0.string("name") }
        let copied = 50_000 + names.count
        #expect(copied >= before && copied <= after, "one moment's state: \(before) <= \(copied) <= \(after)")
        #expect(names == (0..<names.count).map { "w\($0)" }, "a prefix of the writes, none torn")
    }
}
