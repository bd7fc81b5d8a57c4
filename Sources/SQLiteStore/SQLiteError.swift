import CSQLite

/// A failed SQLite call: the extended result code, SQLite's message and the SQL, never the bound values.
public struct SQLiteError: Error, CustomStringConvertible, Sendable {
    public let code: Int32
    public let message: String
    public let sql: String?

    public init(code: Int32, message: String, sql: String? = nil) {
        self.code = code
        self.message = message
        self.sql = sql
    }

    init(connection: OpaquePointer?, code: Int32, sql: String? = nil) {
        let message = connection.flatMap { sqlite3_errmsg($0) }.map { String(cString: $0) } ?? String(cString: sqlite3_errstr(code))
        self.init(code: code, message: message, sql: sql)
    }

    /// The primary result code (the low byte of the extended code).
    public var primaryCode: Int32 { code & 0xFF }

    /// SQLITE_CONSTRAINT_UNIQUE (2067) or SQLITE_CONSTRAINT_PRIMARYKEY (1555): macros Swift does not import.
    public var isUniqueViolation: Bool { code == 2067 || code == 1555 }
    public var isConstraintViolation: Bool { primaryCode == SQLITE_CONSTRAINT }

    /// Failures of the storage itself (full disk, I/O, locks, corruption) rather than of the statement.
    public var isStorageFailure: Bool {
        [SQLITE_FULL, SQLITE_IOERR, SQLITE_BUSY, SQLITE_LOCKED, SQLITE_CANTOPEN, SQLITE_CORRUPT, SQLITE_NOTADB, SQLITE_READONLY, SQLITE_NOMEM]
            .contains(primaryCode)
    }

    public var description: String {
        "SQLite error \(code): \(message)" + (sql.map { " in \($0)" } ?? "")
    }
}

@inline(__always)
func check(_ code: Int32, _ connection: OpaquePointer?, sql: String? = nil) throws {
    guard code == SQLITE_OK || code == SQLITE_DONE || code == SQLITE_ROW else {
        throw SQLiteError(connection: connection, code: code, sql: sql)
    }
}
