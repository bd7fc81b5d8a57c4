import Foundation
import Logging
import PostgresNIO
import TenurePostgres
import Testing

/// A database of its own for one test, on the cluster `TENURE_TEST_DATABASE_URL` names (`scripts/test` starts one);
/// the tests that need it are skipped when the variable is not set.
enum PostgresTestDatabase {
    static let url = ProcessInfo.processInfo.environment["TENURE_TEST_DATABASE_URL"]
    static let isAvailable = url != nil
    static let logger = Logger(label: "test.postgres")

    /// Runs `body` with a client on a new empty database, dropped afterwards.
    static func withDatabase<T: Sendable>(_ body: (PostgresClient.Configuration) async throws -> T) async throws -> T {
        let admin = try DatabaseURL(try #require(url)).configuration
        let name = "tenure_test_\(UInt64.random(in: 0...UInt64.max))"
        try await withClient(admin) { client in _ = try await client.query("CREATE DATABASE \(unescaped: name)", logger: logger) }
        var configuration = admin
        configuration.database = name
        do {
            let result = try await body(configuration)
            try await drop(name, admin)
            return result
        } catch {
            try? await drop(name, admin)
            throw error
        }
    }

    private static func drop(_ name: String, _ admin: PostgresClient.Configuration) async throws {
        try await withClient(admin) { client in _ = try await client.query("DROP DATABASE \(unescaped: name) WITH (FORCE)", logger: logger) }
    }

    /// Runs `body` with a running client on a new database that has every migration.
    static func withMigratedDatabase<T: Sendable>(_ body: (PostgresClient) async throws -> T) async throws -> T {
        try await withDatabase { configuration in
            try await withClient(configuration) { client in
                _ = try await client.withConnection { try await PostgresMigrator.tenure.migrate(on: $0, logger: logger) }
                return try await body(client)
            }
        }
    }

    /// Runs `body` with a running client on `configuration`.
    static func withClient<T: Sendable>(
        _ configuration: PostgresClient.Configuration,
        _ body: (PostgresClient) async throws -> T
    ) async throws -> T {
        let client = PostgresClient(configuration: configuration, backgroundLogger: logger)
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await client.run() }
            defer { group.cancelAll() }
            return try await body(client)
        }
    }
}
