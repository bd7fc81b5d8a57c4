import Foundation
import TenureCSV
import TenureCore

/// What `POST /v1/imports` brings in (`INTEGRATIONS.md`, CSV import).
public enum ImportObject: String, CaseIterable, Sendable, Codable {
    case accounts, contacts, opportunities, activities

    static let accountReferences = ["account_id", "account_external_id", "account_domain"]

    /// The fields a column may name: `id` (to find a duplicate), the object's create fields, and for records of an
    /// account the account by id, external id or domain.
    public var fields: [String] {
        switch self {
        case .accounts: ["id", "name", "domain", "segment", "industry", "employee_count", "owner", "external_id", "stripe_customer_id"]
        case .contacts: ["id"] + Self.accountReferences + ["name", "email", "title", "role", "relationship_strength", "external_id"]
        case .opportunities:
            ["id"] + Self.accountReferences + [
                "name", "amount", "amount_decimal", "currency", "stage", "close_date", "owner", "type", "external_id", "created_at",
                "lost_reason",
            ]
        case .activities:
            ["id"] + Self.accountReferences + [
                "type", "occurred_at", "contact_id", "contact_email", "opportunity_id", "opportunity_external_id", "direction", "subject",
            ]
        }
    }
}

/// One problem of an import, where a spreadsheet shows it: `row` counts records with the header as 1, `column` is the
/// header as written.
public struct ImportError: Sendable, Equatable {
    public var row: Int
    public var column: String?
    public var field: String?
    public var message: String
}

/// A CSV that cannot be read as one (400): broken quotes, bytes that are not UTF-8, no header.
public struct UnreadableImport: Error, Sendable {
    public let reason: String
}

/// More than an import may hold (413).
public struct ImportTooLarge: Error, Sendable {
    public let reason: String
}

/// One data record: each mapped field's cell (empty cells absent, the export's formula escape undone).
struct ImportRow: Sendable {
    let number: Int
    let cells: [String: String]
    let columns: [String: String]

    subscript(_ field: String) -> String? { cells[field] }

    /// The errors of `error` on this row, each named by the column its field came from.
    func errors(_ error: ValidationError) -> [ImportError] {
        error.errors.map { ImportError(row: number, column: columns[$0.field], field: $0.field, message: $0.message) }
    }

    func error(_ field: String?, _ message: String) -> ImportError {
        ImportError(row: number, column: field.flatMap { columns[$0] }, field: field, message: message)
    }
}

/// A CSV read against an object's fields: which column gives which field, which columns were left aside, and the rows.
struct ImportTable: Sendable {
    static let maxRows = 100_000

    var columns: [(header: String, field: String)] = []
    var ignoredColumns: [String] = []
    var rows: [ImportRow] = []
    /// Problems of the header and the mapping (row 1).
    var errors: [ImportError] = []

    /// Headers match field names (trimmed, any case, spaces as `_`) unless `mapping` (header → field, nil drops)
    /// names them.
    init(csv: [UInt8], object: ImportObject, mapping: [String: String?], delimiter: UInt8?) throws {
        var reader = CSVReader(csv, delimiter: delimiter ?? CSVReader.delimiter(of: csv))
        let headers: [String]
        do {
            guard let header = try reader.next(), header.contains(where: { !$0.trimmingWhitespace().isEmpty }) else {
                throw UnreadableImport(reason: "The CSV has no header row.")
            }
            headers = header
        } catch let failure as CSVReader.Failure {
            throw UnreadableImport(reason: Self.describe(failure))
        }
        let mapped = Dictionary(mapping.map { (Self.key($0.key), $0.value) }, uniquingKeysWith: { first, _ in first })
        var positions: [(index: Int, field: String)] = []
        var taken: [String: String] = [:]
        for (index, header) in headers.enumerated() {
            let given = mapped[Self.key(header)]
            let field: String? = given.map { $0.map(Self.key) } ?? Self.key(header)
            guard let field else { continue }
            guard object.fields.contains(field) else {
                if given != nil {
                    errors.append(
                        ImportError(row: 1, column: header, field: nil, message: "is mapped to \(field), which is not a field of \(object.rawValue)")
                    )
                } else {
                    ignoredColumns.append(header)
                }
                continue
            }
            if let other = taken[field] {
                errors.append(ImportError(row: 1, column: header, field: field, message: "gives \(field), as column \(other) does"))
                continue
            }
            taken[field] = header
            positions.append((index, field))
            columns.append((header, field))
        }
        let columnOf = Dictionary(uniqueKeysWithValues: columns.map { ($0.field, $0.header) })
        do {
            while let record = try reader.next() {
                guard reader.record - 1 <= Self.maxRows else {
                    throw ImportTooLarge(reason: "An import holds at most \(Self.maxRows) rows.")
                }
                if record.count == 1, record[0].isEmpty { continue }
                var cells: [String: String] = [:]
                for (index, field) in positions where index < record.count {
                    let text = CSVWriter.unescapingFormula(record[index].trimmingWhitespace())
                    if !text.isEmpty { cells[field] = text }
                }
                rows.append(ImportRow(number: reader.record, cells: cells, columns: columnOf))
            }
        } catch let failure as CSVReader.Failure {
            throw UnreadableImport(reason: Self.describe(failure))
        }
    }

    static func key(_ name: String) -> String {
        name.trimmingWhitespace().lowercased().replacingOccurrences(of: " ", with: "_")
    }

    static func describe(_ failure: CSVReader.Failure) -> String {
        switch failure {
        case .unbalancedQuote(let record): "Row \(record): a quoted field is never closed."
        case .textAfterQuote(let record, let field): "Row \(record), field \(field): text follows a closing quote."
        case .notUTF8(let record, let field): "Row \(record), field \(field): the text is not UTF-8."
        }
    }
}
