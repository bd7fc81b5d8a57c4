import Foundation
import Logging
import PostgresNIO
import SQLiteStore
import Synchronization
import TenurePersistence
import TenureServices

/// A PostgreSQL connection inside one transaction, as the shared records see it: their `?` placeholders become `$1…$n`,
/// their values PostgreSQL's types (`BIGINT`, `DOUBLE PRECISION`, `TEXT`, `BYTEA`), and each result row a `Row` of the
/// same values SQLite would have given.
package struct PostgresSQLConnection: SQLConnection {
    let connection: PostgresConnection
    let logger: Logger
    /// The advisory locks this transaction holds: a write often asks for its account's lock twice (its event, then the
    /// ledger's refresh), and the second ask needs no round trip.
    private let held = HeldLocks()

    package init(connection: PostgresConnection, logger: Logger) {
        self.connection = connection
        self.logger = logger
    }

    package var dialect: SQLDialect { .postgres }

    package func forEachRow(_ sql: String, _ parameters: [any SQLiteBindable], _ body: (Row) throws -> Void) async throws {
        let rows = try await connection.query(Self.query(sql, parameters), logger: logger)
        var columns: [String]?
        for try await row in rows {
            var values: [SQLiteValue] = []
            values.reserveCapacity(row.count)
            for cell in row { values.append(try Self.value(of: cell)) }
            if columns == nil { columns = row.map(\.columnName) }
            try body(Row(columns: columns ?? [], values: values))
        }
    }

    package func first<T>(_ sql: String, _ parameters: [any SQLiteBindable], _ transform: (Row) throws -> T) async throws -> T? {
        var first: T?
        try await forEachRow(sql, parameters) { row in
            if first == nil { first = try transform(row) }
        }
        return first
    }

    package func lock(_ lock: WriteLock) async throws {
        guard !held.keys.contains(lock.advisoryKey) else { return }
        try await PostgresTransactions.take(lock, on: connection, logger: logger)
        held.keys.insert(lock.advisoryKey)
    }

    package func nested<T>(_ body: () async throws -> T) async throws -> T {
        try await connection.run("SAVEPOINT nested", logger: logger)
        // Rolling back to a savepoint releases the locks taken after it.
        let heldBefore = held.keys
        do {
            let result = try await body()
            try await connection.run("RELEASE SAVEPOINT nested", logger: logger)
            return result
        } catch {
            held.keys = heldBefore
            try? await connection.run("ROLLBACK TO SAVEPOINT nested", logger: logger)
            try? await connection.run("RELEASE SAVEPOINT nested", logger: logger)
            throw error
        }
    }

    /// The statement with PostgreSQL's placeholders and the values bound in PostgreSQL's types.
    static func query(_ sql: String, _ parameters: [any SQLiteBindable]) -> PostgresQuery {
        var bindings = PostgresBindings(capacity: parameters.count)
        for parameter in parameters {
            switch parameter.sqliteValue {
            case .null: bindings.appendNull()
            case .integer(let int): bindings.append(int)
            case .real(let real): bindings.append(real)
            case .text(let text): bindings.append(text)
            case .blob(let bytes): bindings.append(ByteBuffer(bytes: bytes))
            }
        }
        return PostgresQuery(unsafeSQL: Placeholders.numbered(sql), binds: bindings)
    }

    /// A cell as the value SQLite would hold: integers, reals, text, bytes; a `numeric` (what `sum` of `BIGINT` gives)
    /// as an integer when it is whole.
    static func value(of cell: PostgresCell) throws -> SQLiteValue {
        guard cell.bytes != nil else { return .null }
        switch cell.dataType {
        case .int2, .int4, .int8: return .integer(try cell.decode(Int64.self))
        case .float4, .float8: return .real(try cell.decode(Double.self))
        case .bool: return .integer(try cell.decode(Bool.self) ? 1 : 0)
        case .bytea: return .blob(Array(buffer: try cell.decode(ByteBuffer.self)))
        case .numeric:
            let text = "\(try cell.decode(Decimal.self))"
            return Int64(text).map(SQLiteValue.integer) ?? .real(Double(text) ?? 0)
        default: return .text(try cell.decode(String.self))
        }
    }
}

/// The advisory keys one transaction holds.
private final class HeldLocks {
    var keys: Set<Int64> = []
}

/// SQLite's `?` placeholders as PostgreSQL's `$1…$n`, rewritten once per statement text.
enum Placeholders {
    private static let cache = Mutex<[String: String]>([:])

    static func numbered(_ sql: String) -> String {
        if let numbered = cache.withLock({ $0[sql] }) { return numbered }
        let numbered = rewrite(sql)
        cache.withLock { cache in
            // Statements are the code's constants and their filter combinations; a bound keeps dynamic ones from piling up.
            if cache.count >= 4_096 { cache.removeAll(keepingCapacity: true) }
            cache[sql] = numbered
        }
        return numbered
    }

    /// Each `?` outside a quoted string or identifier becomes the next `$n`.
    static func rewrite(_ sql: String) -> String {
        var result = ""
        result.reserveCapacity(sql.utf8.count + 16)
        var quote: Character?
        var next = 1
        for character in sql {
            if let open = quote {
                if character == open { quote = nil }
                result.append(character)
            } else if character == "'" || character == "\"" {
                quote = character
                result.append(character)
            } else if character == "?" {
                result += "$\(next)"
                next += 1
            } else {
                result.append(character)
            }
        }
        return result
    }
}
