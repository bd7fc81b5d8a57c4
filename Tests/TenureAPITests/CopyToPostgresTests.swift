import Foundation
import Logging
import TenurePostgres
import TenureTestSupport
import Testing

/// `tenure copy`: a company moved from SQLite to PostgreSQL answers as it did, ids and keys included, and goes on taking
/// writes; a copy that cannot be whole writes nothing.
@Suite(.temporaryFolder, .enabled(if: TestDatabase.postgresIsAvailable)) struct CopyToPostgresTests {
    static func copy(_ source: TestDatabase, into target: TestDatabase) async throws -> [String: Int] {
        let storage = try #require(try await target.openStorage(logger: Logger(label: "test")) as? PostgresStorage)
        do {
            let copied = try await SQLiteToPostgres.copy(from: source.name, to: storage)
            await storage.close()
            return Dictionary(uniqueKeysWithValues: copied.map { ($0.table, $0.rows) })
        } catch {
            await storage.close()
            throw error
        }
    }

    /// Every row but each backend's own bookkeeping.
    static func rows(_ database: TestDatabase) async throws -> [String] {
        try await database.rows().filter { !$0.hasPrefix("read_versions:") }
    }

    @Test func aCopiedCompanyHasEveryRowAndAnswersAsBeforeAndTakesNewWrites() async throws {
        let sqlite = try await DemoTests.load(seed: 5, accounts: 30, on: .sqlite)
        let before = try await TestApp.run(arguments: TestArguments(database: sqlite)) { app in
            try await app.createAccount("Before The Move", domain: "before-move.example")
        }
        let postgres = TestDatabase.fresh(on: .postgres)
        let copied = try await Self.copy(sqlite, into: postgres)
        #expect(
            (copied["accounts"] ?? 0) > 31 && (copied["leads"] ?? 0) > 0 && copied["api_keys"] == 4 && (copied["mrr_movements"] ?? 0) > 0
                && (copied["health_scores"] ?? 0) > 0
        )

        let sqliteRows = try await Self.rows(sqlite)
        #expect(try await Self.rows(postgres) == sqliteRows, "every row, ids, instants and payloads as they were")
        #expect(try await DemoTests.figures(postgres, withKeys: false) == DemoTests.figures(sqlite, withKeys: false))

        try await TestApp.run(arguments: TestArguments(database: postgres), withKeys: false) { app in
            #expect(try await app.send(.get, "/v1/accounts/\(before)").json["name"] as? String == "Before The Move", "the keys moved too")
            let after = try await app.createAccount("After The Move", domain: "after-move.example")
            let activity = try await app.send(
                .post,
                "/v1/activities",
                #"{"account_id": "\#(after)", "type": "call", "occurred_at": "2026-11-19T10:00:00Z"}"#
            )
            #expect(activity.status == .created, "\(activity.text)")
            let duplicate = try await app.send(.post, "/v1/accounts", #"{"name": "Again", "domain": "before-move.example"}"#)
            #expect(duplicate.status == .conflict && duplicate.json["existing_id"] as? String == before, "the copied unique values still hold")
        }
    }

    @Test func aDatabaseWithRowsIsRefusedAndKeepsThem() async throws {
        let sqlite = TestDatabase.fresh(on: .sqlite)
        try await TestApp.run(arguments: TestArguments(database: sqlite)) { app in _ = try await app.createAccount("Source") }
        let postgres = TestDatabase.fresh(on: .postgres)
        try await TestApp.run(arguments: TestArguments(database: postgres)) { app in _ = try await app.createAccount("Already Here") }
        let rows = try await Self.rows(postgres)
        await #expect {
            try await Self.copy(sqlite, into: postgres)
        } throws: { "\($0)".contains("not empty (accounts has rows)") || "\($0)".contains("not empty (api_keys has rows)") }
        #expect(try await Self.rows(postgres) == rows)
    }

    @Test func aSQLiteFileThatIsMissingOrBehindIsRefusedAndNothingIsWritten() async throws {
        let postgres = TestDatabase.fresh(on: .postgres)
        let missing = TestDatabase(backend: .sqlite, name: TemporaryFolder.path("missing.sqlite"))
        await #expect { try await Self.copy(missing, into: postgres) } throws: { "\($0)".contains("does not exist") }

        let behind = TestDatabase.fresh(on: .sqlite)
        try await behind.execute("CREATE TABLE unrelated (id INTEGER PRIMARY KEY)")
        await #expect { try await Self.copy(behind, into: postgres) } throws: { "\($0)".contains("lacks migrations 0001_foundation") }
        #expect(try await Self.rows(postgres).isEmpty)
    }
}
