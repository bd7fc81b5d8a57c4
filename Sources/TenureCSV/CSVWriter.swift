/// RFC 4180 records with CRLF, and the spreadsheet formula-injection escape (OWASP; CWE-1236): a text cell that
/// starts with `=`, `+`, `-`, `@`, tab or CR gets a leading `'`, which the import removes again.
public enum CSVWriter {
    /// A cell: text (escaped against formulas), a value written as is (numbers, booleans, JSON), or nothing.
    public enum Cell: Sendable, Equatable {
        case text(String)
        case value(String)
        case empty
    }

    static let formulaStarts: Set<UInt8> = Set("=+-@\t\r".utf8)

    /// One record with its CRLF, appended to `output`.
    public static func append(_ cells: [Cell], to output: inout [UInt8]) {
        for (position, cell) in cells.enumerated() {
            if position > 0 { output.append(UInt8(ascii: ",")) }
            switch cell {
            case .text(let text): appendField(escapingFormula(text), to: &output)
            case .value(let text): appendField(text, to: &output)
            case .empty: break
            }
        }
        output.append(contentsOf: [UInt8(ascii: "\r"), UInt8(ascii: "\n")])
    }

    /// `text` with a leading `'` when a spreadsheet would read it as a formula.
    public static func escapingFormula(_ text: String) -> String {
        guard let first = text.utf8.first, formulaStarts.contains(first) else { return text }
        return "'" + text
    }

    /// The export's escape undone: a `'` before a formula character removed.
    public static func unescapingFormula(_ text: String) -> String {
        let bytes = text.utf8
        guard bytes.count >= 2, bytes.first == UInt8(ascii: "'"), formulaStarts.contains(bytes[bytes.index(after: bytes.startIndex)]) else {
            return text
        }
        return String(text.dropFirst())
    }

    /// Quoted when it holds a comma, a quote or a line break (quotes doubled), else as is.
    static func appendField(_ text: String, to output: inout [UInt8]) {
        let bytes = text.utf8
        guard bytes.contains(where: { $0 == UInt8(ascii: ",") || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\n") || $0 == UInt8(ascii: "\r") })
        else {
            output.append(contentsOf: bytes)
            return
        }
        output.append(UInt8(ascii: "\""))
        for byte in bytes {
            if byte == UInt8(ascii: "\"") { output.append(byte) }
            output.append(byte)
        }
        output.append(UInt8(ascii: "\""))
    }
}
