import Foundation
import Logging
import PostgresNIO
import SQLiteStore
import TenurePersistence
import TenurePostgres
import TenureServices
import TenureTestSupport
import Testing

/// The database a test's server runs on: a new SQLite file, or with `TENURE_TEST_BACKEND=postgres` a new database on
/// the PostgreSQL cluster `TENURE_TEST_DATABASE_URL` names, copied from a migrated template and dropped when the test
/// ends. The whole API suite runs on each (`scripts/test`).
struct TestDatabase: Sendable {
    enum Backend: String, Sendable {
        case sqlite, postgres
    }

    /// The backend of this run of the suite.
    static let backend = Backend(rawValue: ProcessInfo.processInfo.environment["TENURE_TEST_BACKEND"] ?? "sqlite") ?? .sqlite
    /// True when a PostgreSQL cluster is at hand (`scripts/test` starts one), whichever backend the run uses.
    static let postgresIsAvailable = ProcessInfo.processInfo.environment["TENURE_TEST_DATABASE_URL"] != nil

    let backend: Backend
    /// A SQLite path, or a PostgreSQL database name (created when first opened).
    let name: String

    /// A new database for the running test, on this run's backend unless told otherwise.
    static func fresh(on backend: Backend = backend) -> TestDatabase {
        switch backend {
        case .sqlite: TestDatabase(backend: .sqlite, name: TemporaryFolder.path("tenure.sqlite"))
        case .postgres: TestDatabase(backend: .postgres, name: "tenure_test_\(UInt64.random(in: 0...UInt64.max))")
        }
    }

    func openStorage(migrate: Bool = true, durability: Durability = .normal, logger: Logger) async throws -> any Storage {
        switch backend {
        case .sqlite: return try await SQLiteStorage(path: name, durability: durability, migrate: migrate, logger: logger)
        case .postgres:
            let url = try await TestCluster.shared.database(name)
            return try await PostgresStorage(url: url, poolSize: 4, migrate: migrate, logger: logger)
        }
    }

    /// Runs `body` on a connection of its own, outside the server (as another process would).
    func withConnection<T: Sendable>(_ body: @Sendable (any SQLConnection) async throws -> T) async throws -> T {
        switch backend {
        case .sqlite: return try await body(try Connection(path: name))
        case .postgres:
            let url = try await TestCluster.shared.database(name)
            return try await TestCluster.withClient(url) { client in
                try await client.withConnection { try await body(PostgresSQLConnection(connection: $0, logger: TestCluster.logger)) }
            }
        }
    }

    /// Runs each statement, outside the server.
    func execute(_ statements: String...) async throws {
        try await withConnection { db in for sql in statements { try await db.query(sql) } }
    }

    /// Every row of every table but the bookkeeping ones.
    func rows() async throws -> [String] {
        try await withConnection { db in
            var rows: [String] = []
            for table in try await Self.tables(db) where !["idempotency_keys", "schema_migrations"].contains(table) {
                rows += try await db.query("SELECT * FROM \(table)").map { "\(table): \($0.values)" }.sorted()
            }
            return rows
        }
    }

    /// Every value of every table, bookkeeping included, bytes read as UTF-8: where a person's data could hide.
    func everything() async throws -> String {
        try await withConnection { db in
            var text = ""
            for table in try await Self.tables(db) {
                for row in try await db.query("SELECT * FROM \(table)") {
                    for value in row.values {
                        switch value {
                        case .text(let string): text += string + "\n"
                        case .blob(let bytes): text += String(decoding: bytes, as: UTF8.self) + "\n"
                        default: continue
                        }
                    }
                }
            }
            return text
        }
    }

    /// Runs `body` while another connection holds every table against writers (SQLite's `BEGIN EXCLUSIVE`, PostgreSQL's
    /// `LOCK TABLE … IN EXCLUSIVE MODE`), as a stuck process would: the server's writes wait out their lock timeout.
    func whileLocked<T: Sendable>(_ body: @Sendable () async throws -> T) async throws -> T {
        try await withConnection { db in
            if db.dialect == .sqlite {
                try await db.query("BEGIN EXCLUSIVE")
            } else {
                try await db.query("BEGIN")
                try await db.query("LOCK TABLE \(try await Self.tables(db).joined(separator: ", ")) IN EXCLUSIVE MODE")
            }
            do {
                let result = try await body()
                try await db.query("ROLLBACK")
                return result
            } catch {
                _ = try? await db.query("ROLLBACK")
                throw error
            }
        }
    }

    private static func tables(_ db: any SQLConnection) async throws -> [String] {
        try await db.query(
            db.dialect == .sqlite
                ? "SELECT name FROM sqlite_schema WHERE type = 'table'"
                : "SELECT table_name AS name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE'"
        ).compactMap { $0.string("name") }.sorted()
    }
}

/// The PostgreSQL cluster of the tests: one migrated template database per test process, and a copy of it per test.
actor TestCluster {
    static let shared = TestCluster()
    static let logger = Logger(label: "test.postgres")
    /// Made once, by the first test that asks (later ones wait for the same task: an actor is reentrant at `await`).
    private var template: Task<String, any Error>?
    private var created: Set<String> = []

    /// The URL of database `name`, copied from the template the first time it is asked for and dropped when the test ends.
    func database(_ name: String, migrated: Bool = true) async throws -> DatabaseURL {
        var admin = try DatabaseURL(try #require(ProcessInfo.processInfo.environment["TENURE_TEST_DATABASE_URL"]))
        var url = admin
        url.database = name
        guard !created.contains(name) else { return url }
        let template = migrated ? try await migratedTemplate(admin) : "template0"
        try await Self.withClient(admin) { client in
            _ = try await client.query("CREATE DATABASE \(unescaped: name) TEMPLATE \(unescaped: template)", logger: Self.logger)
        }
        created.insert(name)
        admin.database = "postgres"
        TemporaryFolder.whenTestEnds { [admin] in
            try? await Self.withClient(admin) { client in
                _ = try await client.query("DROP DATABASE \(unescaped: name) WITH (FORCE)", logger: Self.logger)
            }
        }
        return url
    }

    /// Drops database `name` now, closing its connections (as a server that went away would); asking for it again
    /// makes it anew.
    func drop(_ name: String) async throws {
        var admin = try DatabaseURL(try #require(ProcessInfo.processInfo.environment["TENURE_TEST_DATABASE_URL"]))
        admin.database = "postgres"
        try await Self.withClient(admin) { client in
            _ = try await client.query("DROP DATABASE \(unescaped: name) WITH (FORCE)", logger: Self.logger)
        }
        created.remove(name)
    }

    private func migratedTemplate(_ admin: DatabaseURL) async throws -> String {
        if template == nil { template = Task { try await Self.makeTemplate(admin) } }
        return try await template!.value
    }

    private static func makeTemplate(_ admin: DatabaseURL) async throws -> String {
        let name = "tenure_template_\(ProcessInfo.processInfo.processIdentifier)"
        try await withClient(admin) { client in
            _ = try await client.query("DROP DATABASE IF EXISTS \(unescaped: name) WITH (FORCE)", logger: logger)
            _ = try await client.query("CREATE DATABASE \(unescaped: name)", logger: logger)
        }
        var url = admin
        url.database = name
        try await withClient(url) { client in
            _ = try await client.withConnection { try await PostgresMigrator.tenure.migrate(on: $0, logger: logger) }
        }
        return name
    }

    static func withClient<T: Sendable>(_ url: DatabaseURL, _ body: (PostgresClient) async throws -> T) async throws -> T {
        let client = PostgresClient(configuration: url.configuration, backgroundLogger: logger)
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await client.run() }
            defer { group.cancelAll() }
            return try await body(client)
        }
    }
}
