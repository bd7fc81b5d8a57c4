import Foundation
import PostgresNIO
import SQLiteStore
import TenurePersistence
import TenurePostgres
import TenureTestSupport
import Testing

/// The two dialects describe one schema: after every migration, SQLite's and PostgreSQL's tables have the same
/// columns (same kind of value, same nullability, same primary key), the same indexes (columns, uniqueness, partial or
/// not), the same foreign keys and the same number of checks. Only each backend's bookkeeping differs
/// (`schema_migrations`, and `read_versions`, sharded on PostgreSQL).
@Suite(.temporaryFolder, .enabled(if: PostgresTestDatabase.isAvailable, "TENURE_TEST_DATABASE_URL names no PostgreSQL cluster"))
struct SchemaEquivalenceTests {
    static let bookkeeping: Set<String> = ["schema_migrations", "read_versions"]

    /// One table as both backends can describe it.
    struct Table: Equatable, CustomStringConvertible {
        var columns: [String] = []
        var indexes: Set<String> = []
        var foreignKeys: Set<String> = []
        var checks = 0

        var description: String { "columns \(columns)\nindexes \(indexes.sorted())\nforeign keys \(foreignKeys.sorted())\nchecks \(checks)" }
    }

    @Test func sqliteAndPostgresHoldTheSameSchema() async throws {
        let sqlite = try sqliteSchema()
        let postgres = try await postgresSchema()
        #expect(sqlite.keys.sorted() == postgres.keys.sorted())
        for (name, table) in sqlite.sorted(by: { $0.key < $1.key }) {
            #expect(table == postgres[name], "\(name)\nSQLite:\n\(table)\nPostgreSQL:\n\(postgres[name].map { "\($0)" } ?? "none")")
        }
        #expect(sqlite.count > 20, "the test read the tables")
    }

    func sqliteSchema() throws -> [String: Table] {
        let connection = try Connection(path: TemporaryFolder.path("schema.sqlite"))
        try SQLiteStorage.migrator.migrate(on: connection)
        var tables: [String: Table] = [:]
        for row in try connection.query("SELECT name, sql FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'") {
            let name = row.string("name") ?? ""
            guard !Self.bookkeeping.contains(name) else { continue }
            var table = Table()
            for column in try connection.query("SELECT * FROM pragma_table_info(?) ORDER BY cid", [name]) {
                let type = column.string("type") ?? ""
                let notNull = column.int("notnull") == 1 || column.int("pk") ?? 0 > 0
                table.columns.append("\(column.string("name") ?? "") \(type)\(notNull ? " NOT NULL" : "")\(column.int("pk") ?? 0 > 0 ? " PK" : "")")
            }
            for index in try connection.query("SELECT * FROM pragma_index_list(?) WHERE origin != 'pk'", [name]) {
                let indexName = index.string("name") ?? ""
                let columns = try connection.query("SELECT name FROM pragma_index_info(?) ORDER BY seqno", [indexName]).compactMap {
                    $0.string("name")
                }
                table.indexes.insert(Self.index(columns, unique: index.int("unique") == 1, partial: index.int("partial") == 1))
            }
            for key in try connection.query("SELECT * FROM pragma_foreign_key_list(?)", [name]) {
                table.foreignKeys.insert("\(key.string("from") ?? "") → \(key.string("table") ?? "").\(key.string("to") ?? "")")
            }
            table.checks = (row.string("sql") ?? "").components(separatedBy: "CHECK (").count - 1
            tables[name] = table
        }
        return tables
    }

    func postgresSchema() async throws -> [String: Table] {
        let logger = PostgresTestDatabase.logger
        return try await PostgresTestDatabase.withMigratedDatabase { client in
            var tables: [String: Table] = [:]
            let types = ["bigint": "INTEGER", "text": "TEXT", "bytea": "BLOB", "double precision": "REAL"]
            let columns = try await client.query(
                """
                SELECT c.table_name::text, c.column_name::text, c.data_type::text, c.is_nullable = 'NO',
                    EXISTS (SELECT 1 FROM information_schema.key_column_usage k JOIN information_schema.table_constraints t
                        ON t.constraint_name = k.constraint_name AND t.constraint_type = 'PRIMARY KEY'
                        WHERE k.table_name = c.table_name AND k.column_name = c.column_name)
                FROM information_schema.columns c JOIN information_schema.tables t ON t.table_name = c.table_name
                WHERE c.table_schema = 'public' AND t.table_type = 'BASE TABLE' ORDER BY c.table_name, c.ordinal_position
                """,
                logger: logger
            )
            for try await (table, column, type, notNull, primary) in columns.decode((String, String, String, Bool, Bool).self) {
                guard !Self.bookkeeping.contains(table) else { continue }
                tables[table, default: Table()].columns.append(
                    "\(column) \(types[type] ?? type)\(notNull ? " NOT NULL" : "")\(primary ? " PK" : "")"
                )
            }
            let indexes = try await client.query(
                """
                SELECT t.relname::text, ix.indisunique, ix.indpred IS NOT NULL,
                    array_to_string(ARRAY(SELECT a.attname FROM unnest(ix.indkey) WITH ORDINALITY k(attnum, n)
                        JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.attnum ORDER BY k.n), ',')
                FROM pg_index ix JOIN pg_class t ON t.oid = ix.indrelid JOIN pg_namespace s ON s.oid = t.relnamespace
                WHERE s.nspname = 'public' AND NOT ix.indisprimary
                """,
                logger: logger
            )
            for try await (table, unique, partial, columns) in indexes.decode((String, Bool, Bool, String).self) {
                guard !Self.bookkeeping.contains(table) else { continue }
                tables[table]?.indexes.insert(Self.index(columns.components(separatedBy: ","), unique: unique, partial: partial))
            }
            let constraints = try await client.query(
                """
                SELECT t.relname::text, c.contype::text,
                    COALESCE((SELECT a.attname::text FROM pg_attribute a WHERE a.attrelid = c.conrelid AND a.attnum = c.conkey[1]), ''),
                    COALESCE(r.relname::text, ''),
                    COALESCE((SELECT a.attname::text FROM pg_attribute a WHERE a.attrelid = c.confrelid AND a.attnum = c.confkey[1]), '')
                FROM pg_constraint c JOIN pg_class t ON t.oid = c.conrelid LEFT JOIN pg_class r ON r.oid = c.confrelid
                JOIN pg_namespace s ON s.oid = t.relnamespace WHERE s.nspname = 'public' AND c.contype IN ('f', 'c')
                """,
                logger: logger
            )
            for try await (table, kind, from, target, to) in constraints.decode((String, String, String, String, String).self) {
                guard !Self.bookkeeping.contains(table) else { continue }
                if kind == "f" { tables[table]?.foreignKeys.insert("\(from) → \(target).\(to)") } else { tables[table]?.checks += 1 }
            }
            return tables
        }
    }

    static func index(_ columns: [String], unique: Bool, partial: Bool) -> String {
        "(\(columns.joined(separator: ", ")))\(unique ? " unique" : "")\(partial ? " partial" : "")"
    }
}
