/// RFC 4180 records read one at a time from bytes: fields split by a delimiter, quoted fields with `""` for a quote and
/// with delimiters and line breaks inside, records ended by CRLF or LF, UTF-8 with a byte-order mark dropped. Works on
/// the bytes (a `Character` at a time was ten times slower) and keeps one record at a time, however large the input.
public struct CSVReader {
    /// Why the input is not CSV, with the record (1 = the first line) where it happened.
    public enum Failure: Error, Equatable, Sendable {
        /// A quoted field that never closes: it opened in `record`.
        case unbalancedQuote(record: Int)
        /// A closing quote followed by something else than a delimiter or the end of the record.
        case textAfterQuote(record: Int, field: Int)
        /// Bytes that are not UTF-8.
        case notUTF8(record: Int, field: Int)
    }

    public static let byteOrderMark: [UInt8] = [0xEF, 0xBB, 0xBF]

    private let bytes: [UInt8]
    private let delimiter: UInt8
    private var index: Int
    /// The number of the record `next()` returned last (the header is 1).
    public private(set) var record = 0

    public init(_ bytes: [UInt8], delimiter: UInt8) {
        self.bytes = bytes
        self.delimiter = delimiter
        index = bytes.starts(with: Self.byteOrderMark) ? 3 : 0
    }

    /// `;` when the first record has more of them than `,` outside quotes, else `,`.
    public static func delimiter(of bytes: [UInt8]) -> UInt8 {
        var (commas, semicolons, quoted) = (0, 0, false)
        for byte in bytes.dropFirst(bytes.starts(with: byteOrderMark) ? 3 : 0) {
            if byte == UInt8(ascii: "\"") { quoted.toggle() }
            if quoted { continue }
            if byte == UInt8(ascii: "\n") { break }
            if byte == UInt8(ascii: ",") { commas += 1 }
            if byte == UInt8(ascii: ";") { semicolons += 1 }
        }
        return semicolons > commas ? UInt8(ascii: ";") : UInt8(ascii: ",")
    }

    /// The next record's fields, nil at the end. A final line break does not start a record.
    public mutating func next() throws -> [String]? {
        guard index < bytes.count else { return nil }
        record += 1
        var fields: [String] = []
        var field: [UInt8] = []
        while true {
            if index < bytes.count, bytes[index] == UInt8(ascii: "\"") {
                index += 1
                while true {
                    guard index < bytes.count else { throw Failure.unbalancedQuote(record: record) }
                    let byte = bytes[index]
                    index += 1
                    if byte == UInt8(ascii: "\"") {
                        if index < bytes.count, bytes[index] == UInt8(ascii: "\"") {
                            field.append(byte)
                            index += 1
                        } else {
                            break
                        }
                    } else {
                        field.append(byte)
                    }
                }
                guard index == bytes.count || bytes[index] == delimiter || isLineEnd(index) else {
                    throw Failure.textAfterQuote(record: record, field: fields.count + 1)
                }
            } else {
                let start = index
                while index < bytes.count, bytes[index] != delimiter, !isLineEnd(index) { index += 1 }
                field.append(contentsOf: bytes[start..<index])
            }
            guard let text = String(validating: field, as: UTF8.self) else { throw Failure.notUTF8(record: record, field: fields.count + 1) }
            fields.append(text)
            field.removeAll(keepingCapacity: true)
            if index < bytes.count, bytes[index] == delimiter {
                index += 1
                continue
            }
            if index < bytes.count { index += bytes[index] == UInt8(ascii: "\r") ? 2 : 1 }
            return fields
        }
    }

    /// Whether a record ends at `position`: LF, or CR LF.
    private func isLineEnd(_ position: Int) -> Bool {
        bytes[position] == UInt8(ascii: "\n")
            || (bytes[position] == UInt8(ascii: "\r") && position + 1 < bytes.count && bytes[position + 1] == UInt8(ascii: "\n"))
    }
}
