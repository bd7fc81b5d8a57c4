import Hummingbird
import NIOCore

/// The kind of body a route reads.
enum BodyKind: Sendable {
    case json, xml
    /// A CSV file, as itself or as a form's `file` part.
    case csv

    func accepts(_ mediaType: String) -> Bool {
        switch self {
        case .json: mediaType == "application/json" || mediaType.hasSuffix("+json")
        case .xml: mediaType == "text/xml" || mediaType == "application/xml" || mediaType.hasSuffix("+xml")
        case .csv: ["text/csv", "application/csv", "text/plain", "multipart/form-data"].contains(mediaType)
        }
    }

    var expected: String {
        switch self {
        case .json: "application/json"
        case .xml: "text/xml"
        case .csv: "text/csv or multipart/form-data"
        }
    }
}

/// Reads the body into the context, up to `limit` bytes (413 past it, told by `Content-Length` before reading when it
/// can), and only of the route's kind (415 otherwise). A route with a limit of 0 takes no body.
struct BodyMiddleware: RouterMiddleware {
    let limit: Int
    var kind = BodyKind.json

    func handle(
        _ request: Request,
        context: AppRequestContext,
        next: (Request, AppRequestContext) async throws -> Response
    ) async throws -> Response {
        guard limit > 0 else { return try await next(request, context) }
        if let length = request.headers[.contentLength].flatMap(Int.init), length > limit { throw NIOTooManyBytesError(maxBytes: limit) }
        let buffer = try await request.body.collect(upTo: limit)
        guard buffer.readableBytes > 0 else { return try await next(request, context) }
        let contentType = request.headers[.contentType]?.lowercased() ?? ""
        let mediaType = contentType.split(separator: ";").first.map { String($0).trimmingWhitespace() } ?? ""
        guard kind.accepts(mediaType) else {
            throw Problem(.unsupportedMediaType, "unsupported-media-type", detail: "Send the body as \(kind.expected).")
        }
        var context = context
        context.body = Array(buffer.readableBytesView)
        return try await next(request, context)
    }
}
