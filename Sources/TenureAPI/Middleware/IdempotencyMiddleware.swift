import HTTPTypes
import Hummingbird
import NIOCore
import TenureServices

/// Runs a POST with an `Idempotency-Key` once per (API key, Idempotency-Key): a repeat gets the stored response with
/// `Idempotent-Replayed: true`, the same key with another request is refused, a 4xx is stored like a success and a 5xx
/// frees the key for a retry. Comes after authentication and the body.
struct IdempotencyMiddleware: RouterMiddleware {
    let idempotency: IdempotencyService

    func handle(
        _ request: Request,
        context: AppRequestContext,
        next: (Request, AppRequestContext) async throws -> Response
    ) async throws -> Response {
        guard request.method == .post, let text = request.headers[.idempotencyKey], let actor = context.actor else {
            return try await next(request, context)
        }
        guard !text.isEmpty, text.count <= 255 else { throw Problem.badRequest("must be 1 to 255 characters", field: "Idempotency-Key") }
        let key = IdempotencyKey(apiKeyID: actor.keyID, key: text)
        switch try await idempotency.begin(key, requestBody: context.body, method: request.method.rawValue, path: request.uri.path) {
        case .replay(let stored):
            let reply = Reply(
                status: .init(code: stored.status),
                headers: stored.headers.merging(["Idempotent-Replayed": "true"]) { $1 },
                body: stored.body
            )
            return try reply.response(from: request, context: context)
        case .proceed:
            break
        }
        do {
            let response = try await next(request, context)
            let body = try await Self.collect(response.body)
            let headers = Dictionary(response.headers.map { ($0.name.rawName, $0.value) }) { _, last in last }
            try await idempotency.finish(
                key,
                response: StoredResponse(status: response.status.code, headers: headers, body: Array(body.readableBytesView))
            )
            return Response(status: response.status, headers: response.headers, body: .init(byteBuffer: body))
        } catch {
            let problem = Problem(from: error)
            if problem.isServerError {
                try? await idempotency.abandon(key)
            } else {
                let body = (try? JSON.encode(problem)) ?? []
                try await idempotency.finish(
                    key,
                    response: StoredResponse(status: problem.status, headers: ["Content-Type": "application/problem+json"], body: body)
                )
            }
            throw problem
        }
    }

    /// The bytes a response body writes.
    private static func collect(_ body: ResponseBody) async throws -> ByteBuffer {
        let collected = CollectedBody()
        try await body.write(CollectingWriter(into: collected))
        return collected.buffer
    }
}

/// Safe: written by one response body's writer, then read by the same task once the body is written.
private final class CollectedBody: @unchecked Sendable {
    var buffer = ByteBuffer()
}

private struct CollectingWriter: ResponseBodyWriter {
    let into: CollectedBody

    mutating func write(_ buffer: ByteBuffer) async throws { into.buffer.writeImmutableBuffer(buffer) }

    consuming func finish(_ trailingHeaders: HTTPFields?) async throws {}
}
