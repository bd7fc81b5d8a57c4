/// One result row, read by column name.
///
/// A row handed to `Connection.map` or `forEachRow` reads its columns straight from the statement, only those asked
/// for, and is valid only until that callback returns; `query` and `first` return rows holding their values.
public struct Row: @unchecked Sendable {
    // Safe: a row is only `live` inside the callback of the statement's step, on the statement's thread.
    private enum Source {
        case values([SQLiteValue])
        case live(Statement)
    }

    /// The statement's column names, in order. Found by a linear scan: a handful of short names compare faster than
    /// they hash, and rows are read by the hundred thousand.
    let columns: [String]
    private let source: Source

    public init(columns: [String], values: [SQLiteValue]) {
        self.columns = columns
        source = .values(values)
    }

    init(columns: [String], stepping statement: Statement) {
        self.columns = columns
        source = .live(statement)
    }

    /// Every column's value, in order.
    public var values: [SQLiteValue] { columns.indices.map { value(at: $0) } }

    /// The row with its values copied out of the statement, for use after the step.
    public var held: Row {
        guard case .live = source else { return self }
        return Row(columns: columns, values: values)
    }

    public subscript(_ column: String) -> SQLiteValue {
        columns.firstIndex(of: column).map(value(at:)) ?? .null
    }

    private func value(at index: Int) -> SQLiteValue {
        switch source {
        case .values(let values): values[index]
        case .live(let statement): statement.value(at: Int32(index))
        }
    }

    public func string(_ column: String) -> String? {
        switch self[column] {
        case .text(let text): text
        case .integer(let int): String(int)
        case .real(let real): String(real)
        case .blob(let bytes): String(decoding: bytes, as: UTF8.self)
        case .null: nil
        }
    }

    public func int(_ column: String) -> Int? {
        switch self[column] {
        case .integer(let int): Int(int)
        case .real(let real): Int(exactly: real)
        case .text(let text): Int(text)
        default: nil
        }
    }

    public func double(_ column: String) -> Double? {
        switch self[column] {
        case .integer(let int): Double(int)
        case .real(let real): real
        case .text(let text): Double(text)
        default: nil
        }
    }

    public func bool(_ column: String) -> Bool? { int(column).map { $0 != 0 } }

    public func blob(_ column: String) -> [UInt8]? {
        switch self[column] {
        case .blob(let bytes): bytes
        case .text(let text): Array(text.utf8)
        default: nil
        }
    }
}
