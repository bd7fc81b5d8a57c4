import Foundation
import PostgresNIO
import TenurePostgres
import Testing

/// The read caches' counters on PostgreSQL change exactly when SQLite's do, and two writers on two connections (as on
/// two nodes) do not wait for each other on them.
@Suite(.enabled(if: PostgresTestDatabase.isAvailable, "TENURE_TEST_DATABASE_URL names no PostgreSQL cluster"))
struct ReadVersionsTests {
    let logger = PostgresTestDatabase.logger

    @Test func eachSourceMovesWithItsOwnTablesOnly() async throws {
        try await PostgresTestDatabase.withMigratedDatabase { client in
            let logger = self.logger
            try await client.withConnection { (connection: PostgresConnection) async throws in
                func changes(_ sql: String) async throws -> Set<String> {
                    let before = try await ReadVersions.current(on: connection, logger: logger)
                    try await connection.query(PostgresQuery(unsafeSQL: sql), logger: logger)
                    let after = try await ReadVersions.current(on: connection, logger: logger)
                    return Set(after.keys.filter { after[$0] != before[$0] })
                }
                #expect(
                    try await ReadVersions.current(on: connection, logger: logger).keys.sorted() == [
                        "contracts", "health", "ledger", "pipeline", "slices",
                    ]
                )
                #expect(try await changes("INSERT INTO accounts (id, name, created_at, updated_at) VALUES ('acc_1', 'Open', 0, 0)") == ["slices"])
                #expect(try await changes("UPDATE accounts SET name = 'Renamed' WHERE id = 'acc_1'").isEmpty)
                #expect(try await changes("UPDATE accounts SET segment = 'smb' WHERE id = 'acc_1'") == ["slices"])
                #expect(try await changes("UPDATE accounts SET owner = 'ann', industry = 'Retail' WHERE id = 'acc_1'") == ["slices"])
                #expect(try await changes("UPDATE accounts SET won_at = 5 WHERE id = 'acc_1'") == ["ledger"])
                #expect(
                    try await changes(
                        "INSERT INTO mrr_movements (account_id, kind, at, amount, from_mrr, to_mrr) VALUES ('acc_1', 'new', 5, 100, 0, 100)"
                    )
                        == ["ledger"]
                )
                #expect(
                    try await changes(
                        "INSERT INTO opportunities (id, account_id, name, amount, currency, type, created_at, updated_at) VALUES ('opp_1', 'acc_1', 'Deal', 1, 'usd', 'new_business', 0, 0)"
                    ) == ["pipeline"]
                )
                #expect(
                    try await changes(
                        "INSERT INTO activities (id, account_id, type, occurred_at, created_at) VALUES ('act_1', 'acc_1', 'call', 1, 1)"
                    ).isEmpty
                )
                #expect(try await changes("UPDATE activities SET opportunity_id = 'opp_1' WHERE id = 'act_1'") == ["pipeline"])
                #expect(
                    try await changes(
                        "INSERT INTO contracts (id, account_id, source, currency, created_at, updated_at) VALUES ('ctr_1', 'acc_1', 'manual', 'usd', 0, 0)"
                    )
                        == ["contracts"]
                )
                #expect(
                    try await changes("INSERT INTO health_scores (account_id, day, evaluated_at, score) VALUES ('acc_1', 0, 0, 80)") == ["health"]
                )
            }
        }
    }

    /// Two open write transactions on connections whose counters are different shards both bump the ledger without
    /// waiting for each other (a wait would end in the 2 s lock timeout); a reader afterwards sees both.
    @Test func writersOnTwoConnectionsDoNotQueueOnOneCounter() async throws {
        try await PostgresTestDatabase.withMigratedDatabase { client in
            let logger = self.logger
            try await client.query("INSERT INTO accounts (id, name, created_at, updated_at) VALUES ('acc_1', 'A', 0, 0)", logger: logger)
            let url = try DatabaseURL(try #require(PostgresTestDatabase.url))
            let database = try await client.withConnection { connection in
                for try await name in try await connection.query("SELECT current_database()", logger: logger).decode(String.self) { return name }
                return ""
            }
            var opened: [PostgresConnection] = []
            defer { for connection in opened { Task { try? await connection.close() } } }
            var byShard: [Int: PostgresConnection] = [:]
            while byShard.count < 2, opened.count < 32 {
                let connection = try await PostgresConnection.connect(
                    configuration: .init(
                        host: url.host,
                        port: url.port,
                        username: url.user,
                        password: url.password,
                        database: database,
                        tls: .disable
                    ),
                    id: opened.count,
                    logger: logger
                )
                opened.append(connection)
                for try await shard in try await connection.query("SELECT pg_backend_pid() % 16", logger: logger).decode(Int.self) {
                    byShard[shard] = byShard[shard] ?? connection
                }
            }
            let pair = Array(byShard.values.prefix(2))
            try #require(pair.count == 2)
            let before = try await ReadVersions.current(on: pair[0], logger: logger)["ledger"]
            for connection in pair {
                try await connection.query("BEGIN", logger: logger)
                try await connection.query("SET LOCAL lock_timeout = '2s'", logger: logger)
                try await connection.query(
                    "INSERT INTO mrr_movements (account_id, kind, at, amount, from_mrr, to_mrr) VALUES ('acc_1', 'new', 1, 1, 0, 1)",
                    logger: logger
                )
            }
            for connection in pair { try await connection.query("COMMIT", logger: logger) }
            let after = try await ReadVersions.current(on: pair[0], logger: logger)["ledger"]
            #expect(after == before.map { $0 + 2 })
        }
    }
}
