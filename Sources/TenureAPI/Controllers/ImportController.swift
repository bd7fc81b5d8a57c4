import Foundation
import Hummingbird
import TenureCore
import TenureJSON
import TenureServices

/// `POST /v1/imports` and `GET/PUT /v1/settings/import-mappings` (`INTEGRATIONS.md`, CSV import).
struct ImportController {
    let imports: ImportService
    let gate: Gate

    var routes: RouteCollection<AppRequestContext> {
        let routes = RouteCollection(context: AppRequestContext.self)
        routes.post("/v1/imports", gate.write.csvImport.companyWide) { call in
            try .json(ReportBody(try await imports.run(try Self.request(call), by: call.actor)))
        }
        routes.get("/v1/settings/import-mappings", gate.read) { _ in
            try .json(try await imports.mappings())
        }
        routes.put("/v1/settings/import-mappings", gate.admin) { call in
            try .json(try await imports.replaceMappings(try Self.mappings(call.body), by: call.actor))
        }
        return routes
    }

    /// The import the query and the body describe: a CSV body, or a form's `file` part with an optional `columns` part.
    static func request(_ call: Call) throws -> ImportRequest {
        let query = call.query
        guard let objectName = query["object"] else { throw Problem.badRequest("is required", field: "object") }
        guard let object = ImportObject(rawValue: objectName) else {
            throw Problem.badRequest("must be one of " + ImportObject.allCases.map(\.rawValue).joined(separator: ", "), field: "object")
        }
        var columnsText = query["columns"]
        var csv = call.body
        let contentType = call.request.headers[.contentType] ?? ""
        if contentType.lowercased().hasPrefix("multipart/form-data") {
            guard let boundary = Multipart.boundary(of: contentType), let parts = Multipart.parts(of: call.body, boundary: boundary) else {
                throw Problem.badRequest("The body is not multipart/form-data with the boundary its Content-Type names.")
            }
            guard let file = parts["file"] else { throw Problem.badRequest("is required", field: "file") }
            csv = file
            if let columns = parts["columns"] { columnsText = String(decoding: columns, as: UTF8.self) }
        }
        guard !csv.isEmpty else { throw Problem.badRequest("The body must be a CSV file with a header row.") }
        var request = ImportRequest(object: object, csv: csv)
        request.dryRun = try query.bool("dry_run") ?? false
        if let policy = query["on_duplicate"] {
            guard let parsed = DuplicatePolicy(rawValue: policy) else {
                throw Problem.badRequest("must be one of " + DuplicatePolicy.allCases.map(\.rawValue).joined(separator: ", "), field: "on_duplicate")
            }
            request.onDuplicate = parsed
        }
        if let columnsText { request.columns = try columns(columnsText) }
        request.mapping = query["mapping"]
        if let delimiter = query["delimiter"] {
            guard delimiter == "," || delimiter == ";" else { throw Problem.badRequest("must be , or ;", field: "delimiter") }
            request.delimiter = delimiter.utf8.first
        }
        return request
    }

    /// `{"header": "field" | null, …}`.
    static func columns(_ text: String) throws -> [String: String?] {
        guard case .object(let object)? = JSONValue.parse(Array(text.utf8)) else {
            throw Problem.badRequest("must be a JSON object of header → field or null", field: "columns")
        }
        var validator = Validator()
        let columns = object.textMembers(at: "columns", allowingNull: true, &validator)
        guard validator.errors.isEmpty else { throw Problem.badRequest("must map each header to a field name or null", field: "columns") }
        return columns
    }

    /// `{"mappings": {name: {"object", "columns"}}}`, every wrong type named by its path.
    static func mappings(_ body: [UInt8]) throws -> ImportMappings {
        guard case .object(let root)? = JSONValue.parse(body) else { throw Problem.badRequest("The body must be a JSON object.") }
        guard case .object(let named)? = root["mappings"] else { throw ValidationError("mappings", "must be an object of name → mapping") }
        var input: [String: (object: String?, columns: [String: String?]?)] = [:]
        var validator = Validator()
        for (name, value) in named.dictionary {
            guard case .object(let mapping) = value else {
                validator.add("mappings.\(name)", "must be an object with object and columns")
                continue
            }
            var columns: [String: String?]?
            if case .object(let given)? = mapping["columns"] {
                columns = given.textMembers(at: "mappings.\(name).columns", allowingNull: true, &validator)
            } else if mapping["columns"] != nil {
                validator.add("mappings.\(name).columns", "must be an object of header → field or null")
            }
            input[name] = (mapping["object"]?.string, columns)
        }
        try validator.check()
        return try ImportMappings.validated(input)
    }

    struct ReportBody: Encodable, Sendable {
        struct ErrorBody: Encodable, Sendable {
            var row: Int
            @Nullable var column: String?
            @Nullable var field: String?
            var message: String
        }

        var object: String
        var dryRun: Bool
        var valid: Bool
        var rows: Int
        var created: Int
        var updated: Int
        var skipped: Int
        /// Header → field (a dictionary: its keys are the file's, never converted).
        var columns: [String: String]
        var ignoredColumns: [String]
        var errors: [ErrorBody]

        init(_ report: ImportReport) {
            object = report.object.rawValue
            dryRun = report.dryRun
            valid = report.valid
            rows = report.rows
            created = report.created
            updated = report.updated
            skipped = report.skipped
            columns = Dictionary(report.columns.map { ($0.header, $0.field) }, uniquingKeysWith: { first, _ in first })
            ignoredColumns = report.ignoredColumns
            errors = report.errors.map { ErrorBody(row: $0.row, column: $0.column, field: $0.field, message: $0.message) }
        }
    }
}
