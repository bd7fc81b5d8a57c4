import Foundation
import PostgresNIO
import Synchronization
import TenurePostgres
import TenureServices
import Testing

/// The transactions every PostgreSQL record will run in, on a real server: snapshots for reads, advisory locks that
/// serialize a read-then-write across connections (as across nodes), retries of what the server aborts, and the
/// server's errors as the API's.
@Suite(.enabled(if: PostgresTestDatabase.isAvailable, "TENURE_TEST_DATABASE_URL names no PostgreSQL cluster"))
struct PostgresTransactionsTests {
    let logger = PostgresTestDatabase.logger

    func withDatabase(_ body: (PostgresTransactions) async throws -> Void) async throws {
        try await PostgresTestDatabase.withDatabase { configuration in
            try await PostgresTestDatabase.withClient(configuration) { client in
                let database = PostgresTransactions(client: client, logger: logger)
                try await database.write { connection in
                    try await connection.query("CREATE TABLE items (name TEXT PRIMARY KEY, n BIGINT NOT NULL)", logger: logger)
                    try await connection.query("INSERT INTO items VALUES ('a', 0), ('b', 0)", logger: logger)
                }
                try await body(database)
            }
        }
    }

    static func count(_ name: String, on connection: PostgresConnection, logger: Logger) async throws -> Int {
        let rows = try await connection.query("SELECT n FROM items WHERE name = \(name)", logger: logger)
        for try await n in rows.decode(Int.self) { return n }
        return -1
    }

    @Test func aReadSeesOneSnapshotWhileWritesCommit() async throws {
        try await withDatabase { database in
            let logger = self.logger
            let (before, after) = try await database.read { connection in
                let before = try await Self.count("a", on: connection, logger: logger)
                _ = try await database.write { try await $0.query("UPDATE items SET n = 5 WHERE name = 'a'", logger: logger) }
                return (before, try await Self.count("a", on: connection, logger: logger))
            }
            #expect(before == 0 && after == 0, "the second read is of the same snapshot")
            #expect(try await database.read { try await Self.count("a", on: $0, logger: logger) } == 5, "a new read sees the commit")
        }
    }

    @Test func aReadCannotWrite() async throws {
        try await withDatabase { database in
            let logger = self.logger
            await #expect(throws: (any Error).self) {
                try await database.read { try await $0.query("UPDATE items SET n = 1", logger: logger) }
            }
        }
    }

    /// Eight writes that each read a counter, wait, and write it plus one: with the account lock none is lost.
    @Test func anAdvisoryLockSerializesReadThenWrite() async throws {
        try await withDatabase { database in
            let logger = self.logger
            try await withThrowingTaskGroup(of: Void.self) { group in
                for _ in 0..<8 {
                    group.addTask {
                        try await database.write { connection in
                            try await PostgresTransactions.take(.account("acc_1"), on: connection, logger: logger)
                            let n = try await Self.count("a", on: connection, logger: logger)
                            try await Task.sleep(for: .milliseconds(10))
                            try await connection.query("UPDATE items SET n = \(n + 1) WHERE name = 'a'", logger: logger)
                        }
                    }
                }
                try await group.waitForAll()
            }
            #expect(try await database.read { try await Self.count("a", on: $0, logger: logger) } == 8)
        }
    }

    /// Two writes that take the same two rows in opposite orders, each holding its first while the other takes its
    /// own: the server aborts one as a deadlock (40P01), and the database runs it again, so both take effect.
    @Test func aWriteAbortedForADeadlockRunsAgain() async throws {
        try await withDatabase { database in
            let logger = self.logger
            let runs = Runs()
            try await withThrowingTaskGroup(of: Void.self) { group in
                for (first, second) in [("a", "b"), ("b", "a")] {
                    group.addTask {
                        try await database.write { connection in
                            let run = runs.count.withLock {
                                $0 += 1
                                return $0
                            }
                            try await connection.query("UPDATE items SET n = n + 1 WHERE name = \(first)", logger: logger)
                            if run <= 2 {  // both first runs hold their first row before either asks for its second
                                runs.holding.withLock { $0 += 1 }
                                while runs.holding.withLock({ $0 }) < 2 { try await Task.sleep(for: .milliseconds(10)) }
                            }
                            try await connection.query("UPDATE items SET n = n + 1 WHERE name = \(second)", logger: logger)
                        }
                    }
                }
                try await group.waitForAll()
            }
            #expect(runs.count.withLock { $0 } == 3, "one of the two ran again")
            #expect(try await database.read { try await Self.count("a", on: $0, logger: logger) } == 2)
            #expect(try await database.read { try await Self.count("b", on: $0, logger: logger) } == 2)
        }
    }

    @Test func aUniqueViolationIsAConflictAndChangesNothing() async throws {
        try await withDatabase { database in
            let logger = self.logger
            await #expect(throws: ServiceError.conflict("a record with the same unique value already exists")) {
                try await database.write { connection in
                    try await connection.query("UPDATE items SET n = 9 WHERE name = 'b'", logger: logger)
                    try await connection.query("INSERT INTO items VALUES ('a', 1)", logger: logger)
                }
            }
            let untouched = try await database.read { try await Self.count("b", on: $0, logger: logger) }
            #expect(untouched == 0)
        }
    }

    /// postgres-nio's pool fails a lease only once its circuit breaker trips, about a minute after the first refused
    /// connection; a shorter lease timeout comes with `/readyz` following the database (issue 21).
    @Test func anUnreachableServerIsStorageUnavailable() async throws {
        var url = try DatabaseURL(try #require(PostgresTestDatabase.url))
        url.port = 1
        var configuration = url.configuration
        configuration.options.connectTimeout = .seconds(2)
        try await PostgresTestDatabase.withClient(configuration) { client in
            let database = PostgresTransactions(client: client, logger: logger)
            await #expect(throws: StorageUnavailable.self) { try await database.read { _ in 1 } }
        }
    }

    @Test func lockKeysAreStableAndDistinct() {
        let locks: [WriteLock] = [
            .account("acc_1"), .account("acc_2"), .unique("account.domain:a.example"), .unique("contact.email:a@a.example"), .apiKeys, .once("x"),
        ]
        #expect(Set(locks.map(\.advisoryKey)).count == locks.count)
        #expect(WriteLock.account("acc_1").advisoryKey == WriteLock.account("acc_1").advisoryKey)
        // FNV-1a of "api-keys", as any process computes it.
        #expect(WriteLock.apiKeys.advisoryKey == Int64(bitPattern: 0x434C_EC71_7604_9882))
    }
}

/// How many times a transaction's body ran, and how many of its first runs hold their first row.
final class Runs: Sendable {
    let count = Mutex(0)
    let holding = Mutex(0)
}
