import HTTPTypes
import Hummingbird
import NIOCore
import TenureCSV
import TenureCore
import TenureJSON
import TenureServices

/// `Accept: text/csv` on any list (`INTEGRATIONS.md`, CSV export): every row its filters, `as_of` and `sort` select,
/// read page by page through the list's own JSON handler in one read snapshot and streamed as RFC 4180 with CRLF. The
/// header is the first item's fields in their JSON order, nested objects dotted (`health.score`); arrays are written
/// as compact JSON, text cells escaped against formulas. `admin` or `export` keys only.
struct CSVExport {
    static let pageSize = 500
    let storage: any Storage
    /// An export is one entry of the access log (`PRIVACY.md`): `export.csv`, the object, how many rows.
    let accessLog: AccessLogService

    /// Whether the request asks for CSV (`Accept` naming `text/csv`).
    static func isWanted(by request: Request) -> Bool {
        request.headers[values: .accept].contains { $0.lowercased().contains("text/csv") }
    }

    func respond(to call: Call, _ handler: @escaping @Sendable (Call) async throws -> Reply) async throws -> Response {
        guard call.context.scope?.allows(.export) == true else {
            throw Problem(.forbidden, "forbidden", detail: "CSV exports need a key with scope export or admin.")
        }
        // A first page before any byte of CSV: a bad filter is still answered as problem+json.
        let probe = try await handler(call.withPage(limit: 1, cursor: nil))
        guard probe.status == .ok, case .object(let body)? = JSONValue.parse(probe.body), case .array? = body["data"] else {
            throw Problem(.notAcceptable, "not-acceptable", detail: "Only lists (answers with data) are available as CSV; ask for application/json.")
        }
        var headers = HTTPFields()
        headers[.contentType] = "text/csv; charset=utf-8"
        headers[.contentDisposition] = #"attachment; filename="\#(call.request.uri.path.split(separator: "/").last ?? "export").csv""#
        let withBOM = call.query["bom"] == "true"
        return Response(
            status: .ok,
            headers: headers,
            body: ResponseBody { [storage, accessLog] writer in
                // A failure from here on cuts the connection: the status line is already sent.
                let output = Output(writer)
                try await storage.inOneSnapshot {
                    var rows = Rows(withBOM: withBOM)
                    var cursor: String?
                    repeat {
                        let reply = try await handler(call.withPage(limit: Self.pageSize, cursor: cursor))
                        guard reply.status == .ok, let page = JSONValue.parse(reply.body) else { throw ExportInterrupted() }
                        let chunk = rows.append(page["data"].array)
                        try await output.writer.write(ByteBuffer(bytes: chunk))
                        cursor = page["next_cursor"].string
                    } while cursor != nil
                    let object = rows.object ?? String(call.request.uri.path.split(separator: "/").last ?? "export")
                    try await accessLog.record(
                        AccessEntry(
                            at: call.now,
                            keyName: call.actor.keyName,
                            action: "export.csv",
                            resource: object,
                            resourceID: nil,
                            count: rows.count
                        )
                    )
                }
                writer = output.writer
                try await writer.finish(nil)
            }
        )
    }

    /// The response's writer, used by the snapshot's task, one page after the other.
    final class Output: @unchecked Sendable {
        var writer: any ResponseBodyWriter
        init(_ writer: any ResponseBodyWriter) { self.writer = writer }
    }

    struct ExportInterrupted: Error {}

    /// The CSV of a list's items, page by page: the header comes with the first item.
    struct Rows {
        var withBOM: Bool
        var columns: [String]?
        /// How many rows, and what the items are (their `object`).
        var count = 0
        var object: String?

        /// The bytes of `items` (after the BOM and the header, with the first items).
        mutating func append(_ items: [JSONValue]) -> [UInt8] {
            var output: [UInt8] = []
            for item in items {
                count += 1
                object = object ?? item["object"].string
                var cells: [String: CSVWriter.Cell] = [:]
                var order: [String] = []
                Self.flatten(item, prefix: "", into: &cells, order: &order)
                if columns == nil {
                    if withBOM { output += CSVReader.byteOrderMark }
                    columns = order
                    CSVWriter.append(order.map(CSVWriter.Cell.value), to: &output)
                }
                CSVWriter.append((columns ?? []).map { cells[$0] ?? .empty }, to: &output)
            }
            return output
        }

        static func flatten(_ value: JSONValue, prefix: String, into cells: inout [String: CSVWriter.Cell], order: inout [String]) {
            guard case .object(let object) = value else {
                order.append(prefix)
                cells[prefix] = cell(value)
                return
            }
            for (key, member) in object.members { flatten(member, prefix: prefix.isEmpty ? key : "\(prefix).\(key)", into: &cells, order: &order) }
        }

        static func cell(_ value: JSONValue) -> CSVWriter.Cell {
            switch value {
            case .string(let text): .text(text)
            case .integer(let number): .value(String(number))
            case .bool(let flag): .value(String(flag))
            case .null: .empty
            case .number, .array, .object: .value(String(decoding: (try? JSONWriter().encode(value)) ?? [], as: UTF8.self))
            }
        }
    }
}

extension Call {
    /// This call asking for one page: its query with `limit` and `cursor` replaced.
    func withPage(limit: Int, cursor: String?) -> Call {
        let kept = (request.uri.query ?? "").split(separator: "&").filter { parameter in
            let name = parameter.prefix { $0 != "=" }
            return name != "limit" && name != "cursor" && name != "bom"
        }
        let query = (kept + ["limit=\(limit)"] + (cursor.map { ["cursor=\($0)"] } ?? [])).joined(separator: "&")
        var head = request.head
        head.path = request.uri.path + "?" + query
        var context = context
        context.exporting = true
        return Call(request: Request(head: head, body: request.body), context: context, now: now)
    }
}

extension HTTPField.Name {
    static let contentDisposition = Self("Content-Disposition")!
}
