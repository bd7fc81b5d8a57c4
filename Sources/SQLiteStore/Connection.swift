import CSQLite

/// How much a commit waits for the disk.
public enum Durability: String, Sendable, CaseIterable {
    /// An acknowledged commit survives power loss: the WAL is synced on every commit.
    case full
    /// An acknowledged commit survives a crash of the process; power loss may lose the last commits.
    case normal
}

/// One SQLite connection, opened the same way every time. Not `Sendable`: it is owned by one thread at a time.
public final class Connection {
    let handle: OpaquePointer
    private var statements: [String: Statement] = [:]
    /// How many times changes made on this connection were undone: a copy of what it wrote is stale once this moves.
    public private(set) var rollbacks = 0

    /// SQLite's process-wide settings, made once before the first connection opens (and so initializes SQLite).
    private static let processSettings: Void = { _ = tenure_sqlite3_disable_memory_statistics() }()

    /// Opens (creating when `readOnly` is false) the database at `path`; closes the handle again if configuration fails.
    public init(path: String, readOnly: Bool = false, durability: Durability = .full) throws {
        Self.processSettings
        var handle: OpaquePointer?
        let flags = (readOnly ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE) | SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_EXRESCODE
        let code = sqlite3_open_v2(path, &handle, flags, nil)
        guard code == SQLITE_OK, let handle else {
            let error = SQLiteError(connection: handle, code: code)
            sqlite3_close_v2(handle)
            throw error
        }
        self.handle = handle
        do {
            try configure(readOnly: readOnly, durability: durability)
        } catch {
            statements.removeAll()
            sqlite3_close_v2(handle)
            throw error
        }
    }

    deinit {
        statements.removeAll()
        sqlite3_close_v2(handle)
    }

    private func configure(readOnly: Bool, durability: Durability) throws {
        sqlite3_extended_result_codes(handle, 1)
        sqlite3_busy_timeout(handle, 5_000)
        try check(tenure_sqlite3_enable_defensive(handle), handle)
        try check(tenure_sqlite3_disable_double_quoted_strings(handle), handle)
        try execute("PRAGMA foreign_keys = ON")
        // Sorts and temporary indexes larger than the page cache stay in memory instead of spilling to temporary files.
        try execute("PRAGMA temp_store = MEMORY")
        if readOnly {
            try execute("PRAGMA query_only = ON")
        } else {
            try execute("PRAGMA journal_mode = WAL")
            try execute("PRAGMA synchronous = \(durability == .full ? "FULL" : "NORMAL")")
            // The WAL is copied back into the file (a checkpoint, inside the committing call) once it holds 4,000 pages
            // (16 MB) instead of SQLite's 1,000: a page that many commits wrote is copied once per checkpoint. Larger
            // intervals were no faster, and their longer checkpoints showed in the ingest's slowest requests.
            try execute("PRAGMA wal_autocheckpoint = 4000")
        }
    }

    /// Runs one or more statements without parameters (schema, pragmas, transaction control).
    public func execute(_ sql: String) throws {
        var error: UnsafeMutablePointer<CChar>?
        let code = sqlite3_exec(handle, sql, nil, nil, &error)
        if let error {
            let message = String(cString: error)
            sqlite3_free(error)
            throw SQLiteError(code: sqlite3_extended_errcode(handle), message: message, sql: sql)
        }
        try check(code, handle, sql: sql)
    }

    /// Runs one statement without parameters or rows, prepared once (transaction control, which every write runs).
    public func run(_ sql: String) throws { try forEachRow(sql) { _ in } }

    /// Runs a statement and returns its rows; the statement is prepared once per connection and reused.
    @discardableResult
    public func query(_ sql: String, _ parameters: [any SQLiteBindable] = []) throws -> [Row] {
        try map(sql, parameters) { $0.held }
    }

    /// Runs a statement and transforms each row as it is stepped, so that a large result's rows are never all held at
    /// once (only what `transform` makes of them). `transform` must not run the same SQL again.
    public func map<T>(_ sql: String, _ parameters: [any SQLiteBindable] = [], _ transform: (Row) throws -> T) throws -> [T] {
        var results: [T] = []
        try forEachRow(sql, parameters) { results.append(try transform($0)) }
        return results
    }

    public func map<T>(_ sql: String, _ transform: (Row) throws -> T) throws -> [T] { try map(sql, [], transform) }

    /// Runs a statement and hands each row to `body` as it is stepped. `body` must not run the same SQL again.
    public func forEachRow(_ sql: String, _ parameters: [any SQLiteBindable] = [], _ body: (Row) throws -> Void) throws {
        let statement = try cachedStatement(sql)
        try statement.bind(parameters)
        try statement.forEachRow(body)
    }

    public func forEachRow(_ sql: String, _ body: (Row) throws -> Void) throws { try forEachRow(sql, [], body) }

    /// The first row of `query`, if any (the statement is stepped no further).
    public func first(_ sql: String, _ parameters: [any SQLiteBindable] = []) throws -> Row? {
        try first(sql, parameters) { $0.held }
    }

    /// The first row, transformed as it is stepped: decoding a record straight from the statement, rather than from a
    /// copy of all its values, was a fifth of finding one.
    public func first<T>(_ sql: String, _ parameters: [any SQLiteBindable] = [], _ transform: (Row) throws -> T) throws -> T? {
        let statement = try cachedStatement(sql)
        try statement.bind(parameters)
        return try statement.first(transform)
    }

    /// Rows changed by the last INSERT, UPDATE or DELETE.
    public var changes: Int { Int(sqlite3_changes64(handle)) }

    public var lastInsertRowID: Int64 { sqlite3_last_insert_rowid(handle) }

    /// Runs `body` between `BEGIN IMMEDIATE` and `COMMIT`, rolling back when it throws.
    public func immediateTransaction<T>(_ body: () throws -> T) throws -> T {
        try run("BEGIN IMMEDIATE")
        do {
            let result = try body()
            try run("COMMIT")
            return result
        } catch {
            rollback()
            throw error
        }
    }

    /// Undoes the open transaction.
    public func rollback() {
        try? run("ROLLBACK")
        rollbacks += 1
    }

    /// Changes whenever another connection has committed since this one last asked (`PRAGMA data_version`).
    public func dataVersion() throws -> Int { try first("PRAGMA data_version")?.int("data_version") ?? 0 }

    /// Runs `body` in a savepoint: its changes are undone alone when it throws, leaving the enclosing transaction intact.
    public func savepoint<T>(_ body: () async throws -> T) async throws -> T {
        try run("SAVEPOINT job")
        do {
            let result = try await body()
            try run("RELEASE job")
            return result
        } catch {
            try? run("ROLLBACK TO job")
            try? run("RELEASE job")
            rollbacks += 1
            throw error
        }
    }

    private func cachedStatement(_ sql: String) throws -> Statement {
        if let statement = statements[sql] { return statement }
        let statement = try Statement(connection: self, sql: sql, persistent: true)
        statements[sql] = statement
        return statement
    }
}
