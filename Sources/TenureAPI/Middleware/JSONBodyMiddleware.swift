import Hummingbird
import NIOCore

/// Reads the body into the context, up to `limit` bytes (413 past it, told by `Content-Length` before reading when it
/// can), and only as JSON (415 otherwise). A route with a limit of 0 takes no body.
struct JSONBodyMiddleware: RouterMiddleware {
    let limit: Int

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
        guard mediaType == "application/json" || mediaType.hasSuffix("+json") else {
            throw Problem(.unsupportedMediaType, "unsupported-media-type", detail: "Send the body as application/json.")
        }
        var context = context
        context.body = Array(buffer.readableBytesView)
        return try await next(request, context)
    }
}
