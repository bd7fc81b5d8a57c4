import Foundation
import Logging
import PostgresNIO
import SQLiteStore
import TenurePersistence
import TenureServices

/// `tenure copy`: the move from the embedded default to PostgreSQL. Every row of a SQLite database, ids and instants as
/// they are, into an empty PostgreSQL database at the same schema version, in one transaction: the copy is whole or
/// not there. The SQLite file is read in one snapshot, so a server may keep running on it (what it writes afterwards is
/// not copied: stop it first to move for good).
public enum SQLiteToPostgres {
    /// Why a copy was refused; nothing was written.
    public struct Refusal: Error, CustomStringConvertible {
        public let description: String
    }

    /// Tables whose rows belong to one backend: each keeps its own migration history and read counters.
    static let ownedByTheBackend: Set = ["schema_migrations", "read_versions"]
    /// PostgreSQL takes at most 65,535 values a statement; far fewer keep each statement's encoding small.
    static let valuesPerStatement = 8_000

    /// Copies `path` into `storage`'s database and returns how many rows each table received.
    public static func copy(from path: String, to storage: PostgresStorage) async throws -> [(table: String, rows: Int)] {
        guard FileManager.default.fileExists(atPath: path) else { throw Refusal(description: "\(path) does not exist") }
        let logger = storage.logger
        return try await storage.transactions.write { connection in
            let target = PostgresSQLConnection(connection: connection, logger: logger)
            // Opened here, so that a retried transaction reads its own snapshot.
            let source = try Connection(path: path, readOnly: true)
            let pending = try SQLiteStorage.migrator.pending(on: source)
            guard pending.isEmpty else {
                throw Refusal(
                    description: "\(path) lacks migrations \(pending.map(\.name).joined(separator: ", ")): run tenure migrate --db \(path) first"
                )
            }
            try source.execute("BEGIN")
            defer { source.rollback() }
            let tables = try await Self.tables(of: target)
            let sourceTables = Set(
                try await source.query("SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%'").compactMap {
                    $0.string("name")
                }
            ).subtracting(ownedByTheBackend)
            guard sourceTables == Set(tables.map(\.name)) else {
                throw Refusal(description: "the two schemas hold different tables: \(sourceTables.symmetricDifference(tables.map(\.name)).sorted())")
            }
            for table in tables where try await target.first("SELECT 1 AS found FROM \(table.name) LIMIT 1") != nil {
                throw Refusal(description: "the PostgreSQL database is not empty (\(table.name) has rows): copy into a new database")
            }
            var copied: [(table: String, rows: Int)] = []
            for table in tables {
                copied.append((table.name, try await copy(table, from: source, to: target)))
            }
            return copied
        }
    }

    /// One table of PostgreSQL's schema: its columns in order, and its identity column if it has one.
    struct Table {
        let name: String
        let columns: [String]
        let identity: String?
    }

    /// The tables to copy, each after the tables its foreign keys name.
    static func tables(of db: PostgresSQLConnection) async throws -> [Table] {
        var columns: [String: [String]] = [:]
        var identities: [String: String] = [:]
        for row in try await db.query(
            """
            SELECT c.table_name, c.column_name, c.is_identity FROM information_schema.columns c
            JOIN information_schema.tables t ON t.table_schema = c.table_schema AND t.table_name = c.table_name
            WHERE c.table_schema = 'public' AND t.table_type = 'BASE TABLE' ORDER BY c.table_name, c.ordinal_position
            """
        ) {
            guard let table = row.string("table_name"), let column = row.string("column_name"), !ownedByTheBackend.contains(table) else { continue }
            columns[table, default: []].append(column)
            if row.string("is_identity") == "YES" { identities[table] = column }
        }
        var parents: [String: Set<String>] = [:]
        for row in try await db.query(
            "SELECT conrelid::regclass::text AS child, confrelid::regclass::text AS parent FROM pg_constraint WHERE contype = 'f'"
        ) {
            guard let child = row.string("child"), let parent = row.string("parent"), child != parent else { continue }
            parents[child, default: []].insert(parent)
        }
        var ordered: [String] = []
        var remaining = columns.keys.sorted()
        while !remaining.isEmpty {
            let ready = remaining.filter { parents[$0, default: []].isSubset(of: ordered) }
            guard !ready.isEmpty else { throw Refusal(description: "the foreign keys of \(remaining) form a cycle") }
            ordered += ready
            remaining.removeAll { ready.contains($0) }
        }
        return ordered.map { Table(name: $0, columns: columns[$0] ?? [], identity: identities[$0]) }
    }

    /// Copies one table in pages of its primary key, several rows a statement; its identity sequence continues after
    /// the largest value copied. Returns the rows copied.
    static func copy(_ table: Table, from source: Connection, to target: PostgresSQLConnection) async throws -> Int {
        let key = try await source.query("SELECT name FROM pragma_table_info(?) WHERE pk > 0 ORDER BY pk", [table.name]).compactMap {
            $0.string("name")
        }
        guard !key.isEmpty else { throw Refusal(description: "\(table.name) has no primary key to page by") }
        let columns = table.columns.joined(separator: ", ")
        let keyList = key.joined(separator: ", ")
        let pageSize = max(1, valuesPerStatement / table.columns.count)
        let firstPage = "SELECT \(columns) FROM \(table.name) ORDER BY \(keyList) LIMIT \(pageSize)"
        let nextPage = """
            SELECT \(columns) FROM \(table.name) WHERE (\(keyList)) > (\(key.map { _ in "?" }.joined(separator: ", ")))
            ORDER BY \(keyList) LIMIT \(pageSize)
            """
        let overriding = table.identity == nil ? "" : " OVERRIDING SYSTEM VALUE"
        let row = "(\(table.columns.map { _ in "?" }.joined(separator: ", ")))"
        var copied = 0
        var page = try await source.query(firstPage)
        while let last = page.last {
            let insert =
                "INSERT INTO \(table.name) (\(columns))\(overriding) VALUES " + Array(repeating: row, count: page.count).joined(separator: ", ")
            try await target.query(insert, page.flatMap(\.values))
            copied += page.count
            page = page.count < pageSize ? [] : try await source.query(nextPage, key.map { last[$0] })
        }
        if let identity = table.identity {
            try await target.query(
                "SELECT setval(pg_get_serial_sequence('\(table.name)', '\(identity)'), coalesce(max(\(identity)), 0) + 1, false) FROM \(table.name)"
            )
        }
        return copied
    }
}
