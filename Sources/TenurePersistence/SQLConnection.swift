import SQLiteStore
import TenureServices

/// What the records need of a connection, whichever database is behind it: statements written once, in SQLite's
/// spelling with `?` placeholders, answered as `Row`s. A backend's connection translates what differs (placeholders,
/// the types of values and rows); the few statements whose syntax itself differs ask for `dialect`.
package protocol SQLConnection {
    var dialect: SQLDialect { get }

    /// Hands each row to `body` as it is read. `body` must not run the same SQL again.
    func forEachRow(_ sql: String, _ parameters: [any SQLiteBindable], _ body: (Row) throws -> Void) async throws

    /// The first row, transformed, if there is one.
    func first<T>(_ sql: String, _ parameters: [any SQLiteBindable], _ transform: (Row) throws -> T) async throws -> T?

    /// Holds `lock` until the transaction ends (`Transaction.lock`).
    func lock(_ lock: WriteLock) async throws

    /// Runs `body` so that its changes are undone alone when it throws (`Transaction.nested`).
    func nested<T>(_ body: () async throws -> T) async throws -> T
}

/// The SQL a backend speaks, where spellings differ.
package enum SQLDialect: Sendable {
    case sqlite
    case postgres

    /// What a `SELECT` ends with to hold the rows it reads until the transaction ends: SQLite's one writer needs nothing.
    package var lockingRows: String {
        switch self {
        case .sqlite: ""
        case .postgres: " FOR UPDATE"
        }
    }

    /// What a `SELECT` ends with to keep the rows it reads from changing until the transaction ends, while other readers
    /// may do the same: a write that fans out to endpoints and one that disables an endpoint wait for each other.
    package var sharingRows: String {
        switch self {
        case .sqlite: ""
        case .postgres: " FOR SHARE"
        }
    }

    /// What a queue's `SELECT` ends with in a write: the rows it reads are held, and rows another writer holds are passed
    /// over (another node is working on them).
    package var claimingRows: String {
        switch self {
        case .sqlite: ""
        case .postgres: " FOR UPDATE SKIP LOCKED"
        }
    }

    /// Whether the text `expression` holds, in any case (ASCII), the text of the next parameter, given as
    /// `pattern(containing:)` makes it: `LIKE` compares without making a lowercase copy of every row.
    package func mentions(_ expression: String) -> String {
        switch self {
        case .sqlite: "\(expression) LIKE ? ESCAPE '\\'"
        case .postgres: "\(expression) ILIKE ? ESCAPE '\\'"
        }
    }

    /// The `LIKE` pattern of text holding `needle`.
    package func pattern(containing needle: String) -> String {
        var escaped = ""
        for character in needle {
            if character == "%" || character == "_" || character == "\\" { escaped.append("\\") }
            escaped.append(character)
        }
        return "%" + escaped + "%"
    }

    /// A bytes column as text to search with `mentions`: SQLite reads the bytes as text; PostgreSQL writes a zero byte,
    /// a byte past ASCII and a backslash as escapes, and `searchable(needle:)` escapes a needle the same way.
    package func searchable(bytes column: String) -> String {
        switch self {
        case .sqlite: "CAST(\(column) AS TEXT)"
        case .postgres: "encode(\(column), 'escape')"
        }
    }

    /// `needle` as it appears in a `searchable(bytes:)` column.
    package func searchable(needle: String) -> String {
        switch self {
        case .sqlite: return needle
        case .postgres:
            var escaped = ""
            for byte in needle.utf8 {
                if byte == UInt8(ascii: "\\") {
                    escaped += "\\\\"
                } else if byte == 0 || byte >= 0x80 {
                    escaped += "\\" + String(byte, radix: 8).leftPadded(to: 3)
                } else {
                    escaped.unicodeScalars.append(Unicode.Scalar(byte))
                }
            }
            return escaped
        }
    }

    /// `column` as an expression no index answers: SQLite's planner otherwise picks a worse index for some joins.
    package func unindexed(_ column: String) -> String {
        switch self {
        case .sqlite: "+\(column)"
        case .postgres: column
        }
    }
}

extension String {
    fileprivate func leftPadded(to length: Int) -> String { String(repeating: "0", count: max(0, length - count)) + self }
}

/// `?, ?, …`, one placeholder for each of `values`: an `IN (…)` list.
package func placeholders(for values: [some Any]) -> String {
    Array(repeating: "?", count: values.count).joined(separator: ", ")
}

extension SQLConnection {
    /// Runs a statement; its rows, holding their values.
    @discardableResult
    package func query(_ sql: String, _ parameters: [any SQLiteBindable] = []) async throws -> [Row] {
        try await map(sql, parameters) { $0.held }
    }

    /// Transforms each row as it is read, so that a large result's rows are never all held at once.
    package func map<T>(_ sql: String, _ parameters: [any SQLiteBindable] = [], _ transform: (Row) throws -> T) async throws -> [T] {
        var results: [T] = []
        try await forEachRow(sql, parameters) { results.append(try transform($0)) }
        return results
    }

    package func map<T>(_ sql: String, _ transform: (Row) throws -> T) async throws -> [T] { try await map(sql, [], transform) }

    package func forEachRow(_ sql: String, _ body: (Row) throws -> Void) async throws { try await forEachRow(sql, [], body) }

    package func first(_ sql: String, _ parameters: [any SQLiteBindable] = []) async throws -> Row? {
        try await first(sql, parameters) { $0.held }
    }
}
