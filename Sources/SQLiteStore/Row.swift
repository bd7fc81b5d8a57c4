/// One result row, read by column name.
public struct Row: Sendable {
    /// The statement's column names, in order. Found by a linear scan: a handful of short names compare faster than
    /// they hash, and rows are read by the hundred thousand.
    let columns: [String]
    public let values: [SQLiteValue]

    public subscript(_ column: String) -> SQLiteValue {
        columns.firstIndex(of: column).map { values[$0] } ?? .null
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
