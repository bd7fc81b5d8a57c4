import Foundation
import Migrations
import PostgresNIO
import TenurePostgres
import Testing

@Suite(.enabled(if: PostgresTestDatabase.isAvailable, "TENURE_TEST_DATABASE_URL names no PostgreSQL cluster"))
struct PostgresMigratorTests {
    let logger = PostgresTestDatabase.logger

    @Test func aNewDatabaseGetsEveryMigrationOnceAndThenNothingIsPending() async throws {
        try await PostgresTestDatabase.withDatabase { configuration in
            try await PostgresTestDatabase.withClient(configuration) { client in
                try await client.withConnection { connection in
                    let names = PostgresMigrator.tenure.plan.migrations.map(\.name)
                    #expect(try await PostgresMigrator.tenure.migrate(on: connection, logger: logger) == names)
                    #expect(try await PostgresMigrator.tenure.migrate(on: connection, logger: logger).isEmpty)
                    #expect(try await PostgresMigrator.tenure.pending(on: connection, logger: logger).isEmpty)
                    let tables = try await connection.query("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'", logger: logger)
                    for try await count in tables.decode(Int.self) { #expect(count > 20) }
                }
            }
        }
    }

    /// Nodes starting together on an empty database: one applies the migrations, the others wait for its lock and then
    /// find nothing to do; none fails on a table that already exists.
    @Test func nodesStartingTogetherMigrateOnce() async throws {
        try await PostgresTestDatabase.withDatabase { configuration in
            try await PostgresTestDatabase.withClient(configuration) { client in
                let applied = try await withThrowingTaskGroup(of: [String].self) { group in
                    for _ in 0..<4 {
                        group.addTask { try await client.withConnection { try await PostgresMigrator.tenure.migrate(on: $0, logger: logger) } }
                    }
                    return try await group.reduce(into: [[String]]()) { $0.append($1) }
                }
                #expect(applied.filter { !$0.isEmpty } == [PostgresMigrator.tenure.plan.migrations.map(\.name)])
                let rows = try await client.query("SELECT count(*) FROM schema_migrations", logger: logger)
                for try await count in rows.decode(Int.self) { #expect(count == PostgresMigrator.tenure.plan.migrations.count) }
            }
        }
    }

    @Test func anEditedOrUnknownMigrationStopsTheNodeNamingIt() async throws {
        try await PostgresTestDatabase.withDatabase { configuration in
            try await PostgresTestDatabase.withClient(configuration) { client in
                try await client.withConnection { connection in
                    try await PostgresMigrator.tenure.migrate(on: connection, logger: logger)
                    try await connection.query("UPDATE schema_migrations SET checksum = 'edited' WHERE name = '0009_baseline'", logger: logger)
                    await #expect(throws: MigrationError.changed("0009_baseline")) {
                        try await PostgresMigrator.tenure.migrate(on: connection, logger: logger)
                    }
                    try await connection.query("DELETE FROM schema_migrations", logger: logger)
                    try await connection.query(
                        "INSERT INTO schema_migrations VALUES ('9999_from_the_future', 'x', '2030-01-01T00:00:00Z')",
                        logger: logger
                    )
                    await #expect(throws: MigrationError.unknown("9999_from_the_future")) {
                        try await PostgresMigrator.tenure.pending(on: connection, logger: logger)
                    }
                }
            }
        }
    }

    /// A migration that fails leaves nothing behind (its statements and its bookkeeping row roll back together) and
    /// releases the migration lock.
    @Test func aFailingMigrationLeavesNoTraceAndReleasesTheLock() async throws {
        let broken = PostgresMigrator(migrations: [
            Migration(name: "0001_ok", sql: "CREATE TABLE first (id BIGINT)"),
            Migration(name: "0002_broken", sql: "CREATE TABLE second (id BIGINT); SELECT no_such_function();"),
        ])
        try await PostgresTestDatabase.withDatabase { configuration in
            try await PostgresTestDatabase.withClient(configuration) { client in
                try await client.withConnection { connection in
                    await #expect(throws: (any Error).self) { try await broken.migrate(on: connection, logger: logger) }
                    let tables = try await connection.query("SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1", logger: logger)
                    var names: [String] = []
                    for try await name in tables.decode(String.self) { names.append(name) }
                    #expect(names == ["first", "schema_migrations"])
                    let held = try await connection.query(
                        "SELECT count(*) FROM pg_locks l JOIN pg_database d ON d.oid = l.database WHERE l.locktype = 'advisory' AND d.datname = current_database()",
                        logger: logger
                    )
                    for try await count in held.decode(Int.self) { #expect(count == 0) }
                }
            }
        }
    }
}
