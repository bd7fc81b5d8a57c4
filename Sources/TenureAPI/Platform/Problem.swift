import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import TenureCore
import TenureServices

/// An RFC 9457 problem: the one shape of every error Tenure answers.
struct Problem: Error, Encodable, Sendable {
    var type: String
    var title: String
    var status: Int
    var detail: String?
    var errors: [Item]?
    var existingId: String?
    var requestId: String?
    /// A converted lead's records (`LEADS.md`: converting again is a 409 naming them), each shown even when null.
    var conversion: LeadAlreadyConverted?
    /// Extra response headers (`Allow` on a 405).
    var headers: HTTPFields = [:]

    enum CodingKeys: String, CodingKey { case type, title, status, detail, errors, existingId, requestId, accountId, contactId, opportunityId }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(type, forKey: .type)
        try container.encode(title, forKey: .title)
        try container.encode(status, forKey: .status)
        try container.encodeIfPresent(detail, forKey: .detail)
        try container.encodeIfPresent(errors, forKey: .errors)
        try container.encodeIfPresent(existingId, forKey: .existingId)
        try container.encodeIfPresent(requestId, forKey: .requestId)
        if let conversion {
            try container.encode(conversion.accountID, forKey: .accountId)
            try container.encode(conversion.contactID, forKey: .contactId)
            try container.encode(conversion.opportunityID, forKey: .opportunityId)
        }
    }

    /// One error of `errors`: a field's, or an import row's (with the row and column a spreadsheet shows).
    struct Item: Encodable, Sendable {
        var row: Int?
        var column: String?
        var field: String?
        var message: String
    }

    init(_ status: HTTPResponse.Status, _ slug: String, detail: String?, errors: [FieldError]? = nil, existingID: String? = nil) {
        self.type = "https://tenure.dev/problems/\(slug)"
        self.title = status.reasonPhrase
        self.status = status.code
        self.detail = detail
        self.errors = errors?.map { Item(field: $0.field, message: $0.message) }
        self.existingId = existingID
    }

    static func badRequest(_ detail: String, field: String? = nil) -> Problem {
        Problem(.badRequest, "malformed-request", detail: field.map { "\($0) \(detail)." } ?? detail, errors: field.map { [FieldError($0, detail)] })
    }
}

extension Problem {
    /// Every error becomes a problem here, and only here. Unknown errors are a 500 that says nothing of their internals.
    init(from error: any Error) {
        switch error {
        case let problem as Problem:
            self = problem
        case let error as ValidationError:
            self.init(.unprocessableContent, "validation", detail: "The request has invalid fields.", errors: error.errors)
        case ServiceError.notFound(let resource, let id):
            self.init(.notFound, "not-found", detail: "No \(resource) has the id \(id).")
        case is InvalidToken:
            self.init(.notFound, "not-found", detail: "This link is not valid.")
        case ServiceError.conflict(let detail, let existingID):
            self.init(.conflict, "conflict", detail: detail, existingID: existingID)
        case let converted as LeadAlreadyConverted:
            self.init(.conflict, "conflict", detail: "The lead was converted already.")
            conversion = converted
        case let rejected as ImportRejected:
            self.init(.unprocessableContent, "import-invalid", detail: "Rows of the import are invalid; nothing was stored.")
            errors = rejected.report.errors.map { Item(row: $0.row, column: $0.column, field: $0.field, message: $0.message) }
        case let unreadable as UnreadableImport:
            self.init(.badRequest, "malformed-csv", detail: unreadable.reason)
        case let tooLarge as ImportTooLarge:
            self.init(.contentTooLarge, "import-too-large", detail: tooLarge.reason)
        case let error as StorageUnavailable:
            _ = error
            self.init(.serviceUnavailable, "storage-unavailable", detail: "Storage is unavailable; retry later.")
            headers[.retryAfter] = "1"
        case is NIOTooManyBytesError:
            self.init(.contentTooLarge, "body-too-large", detail: "The request body is larger than this endpoint accepts.")
        case let error as HTTPError where error.status == .notFound:
            self.init(.notFound, "not-found", detail: "No endpoint at this path.")
        case let error as HTTPError:
            self.init(error.status, "http", detail: error.body)
        default:
            self.init(.internalServerError, "internal", detail: "An unexpected error occurred.")
        }
    }

    var isServerError: Bool { status >= 500 }

    func response(requestID: String) -> Response {
        var problem = self
        problem.requestId = requestID
        var headers = self.headers
        headers[.contentType] = "application/problem+json"
        let body = (try? JSON.encode(problem)) ?? []
        return Response(status: .init(code: status), headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: body)))
    }
}
