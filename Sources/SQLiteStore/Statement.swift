import CSQLite

/// A prepared statement. Not `Sendable`: it belongs to the connection that prepared it.
final class Statement {
    let handle: OpaquePointer
    let sql: String
    /// The connection's handle, for its errors: the connection owns its statements and finalizes them first. (An
    /// `unowned` reference to it was checked on every use, once per bound value.)
    private let database: OpaquePointer
    private(set) lazy var columnNames: [String] = (0..<sqlite3_column_count(handle)).map { String(cString: sqlite3_column_name(handle, $0)) }

    init(connection: Connection, sql: String, persistent: Bool) throws {
        var handle: OpaquePointer?
        let flags = persistent ? UInt32(SQLITE_PREPARE_PERSISTENT) : 0
        let code = sqlite3_prepare_v3(connection.handle, sql, -1, flags, &handle, nil)
        guard code == SQLITE_OK, let handle else {
            throw SQLiteError(connection: connection.handle, code: code, sql: sql)
        }
        self.handle = handle
        self.sql = sql
        database = connection.handle
    }

    deinit { sqlite3_finalize(handle) }

    func bind(_ values: [any SQLiteBindable]) throws {
        // Every parameter is bound again below (the count is checked), so the old values need no clearing first.
        sqlite3_reset(handle)
        guard values.count == Int(sqlite3_bind_parameter_count(handle)) else {
            throw SQLiteError(
                code: SQLITE_RANGE,
                message: "expected \(sqlite3_bind_parameter_count(handle)) parameters, got \(values.count)",
                sql: sql
            )
        }
        for (offset, value) in values.enumerated() {
            let index = Int32(offset + 1)
            let code: Int32 =
                switch value.sqliteValue {
                case .null: sqlite3_bind_null(handle, index)
                case .integer(let int): sqlite3_bind_int64(handle, index, int)
                case .real(let real): sqlite3_bind_double(handle, index, real)
                case .text(let text): sqlite3_bind_text64(handle, index, text, UInt64(text.utf8.count), SQLITE_TRANSIENT, UInt8(SQLITE_UTF8))
                case .blob(let bytes):
                    bytes.withUnsafeBytes { sqlite3_bind_blob64(handle, index, $0.baseAddress, UInt64($0.count), SQLITE_TRANSIENT) }
                }
            try check(code, database, sql: sql)
        }
    }

    /// Steps to the end, handing each row to `body` as it comes: a large result is never held whole.
    func forEachRow(_ body: (Row) throws -> Void) throws {
        defer { sqlite3_reset(handle) }
        let names = columnNames
        while true {
            let code = sqlite3_step(handle)
            if code == SQLITE_DONE { return }
            guard code == SQLITE_ROW else { throw SQLiteError(connection: database, code: code, sql: sql) }
            try body(Row(columns: names, stepping: self))
        }
    }

    /// The first row handed to `transform`, or nil when there is none.
    func first<T>(_ transform: (Row) throws -> T) throws -> T? {
        defer { sqlite3_reset(handle) }
        let code = sqlite3_step(handle)
        if code == SQLITE_DONE { return nil }
        guard code == SQLITE_ROW else { throw SQLiteError(connection: database, code: code, sql: sql) }
        return try transform(Row(columns: columnNames, stepping: self))
    }

    func value(at index: Int32) -> SQLiteValue {
        switch sqlite3_column_type(handle, index) {
        case SQLITE_INTEGER: .integer(sqlite3_column_int64(handle, index))
        case SQLITE_FLOAT: .real(sqlite3_column_double(handle, index))
        case SQLITE_TEXT:
            // By length, not up to the first NUL: text may hold U+0000.
            .text(
                String(
                    decoding: UnsafeRawBufferPointer(start: sqlite3_column_text(handle, index), count: Int(sqlite3_column_bytes(handle, index))),
                    as: UTF8.self
                )
            )
        case SQLITE_BLOB:
            if let bytes = sqlite3_column_blob(handle, index) {
                .blob(Array(UnsafeRawBufferPointer(start: bytes, count: Int(sqlite3_column_bytes(handle, index)))))
            } else {
                .blob([])
            }
        default: .null
        }
    }
}

/// SQLite copies the bytes of a bound value immediately (`SQLITE_TRANSIENT`), so Swift may free them.
private let SQLITE_TRANSIENT = unsafeBitCast(-1, to: sqlite3_destructor_type.self)
