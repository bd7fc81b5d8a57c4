import HTTPTypes
import Hummingbird
import Logging
import TenureCore
import TenureServices

/// Gives every request an id (its `X-Request-Id`, or a new one), logs failures and turns every error into problem+json.
struct ProblemMiddleware<Context: RequestContext>: RouterMiddleware {
    let clock: Clock

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let requestID = request.headers[.requestID].flatMap { $0.count <= 128 && !$0.isEmpty ? $0 : nil } ?? Identifier.make("req", at: clock.now())
        var context = context
        context.logger[metadataKey: "request.id"] = .string(requestID)
        do {
            var response = try await EventSource.$current.withValue(EventSource(.api, id: requestID)) { try await next(request, context) }
            response.headers[.requestID] = requestID
            return response
        } catch {
            let problem = Problem(from: error)
            if problem.isServerError {
                context.logger.error("request.failed", metadata: ["error.type": "\(type(of: error))", "error.message": "\(error)"])
            }
            var response = problem.response(requestID: requestID)
            response.headers[.requestID] = requestID
            return response
        }
    }
}

extension HTTPField.Name {
    static let requestID = Self("X-Request-Id")!
    static let idempotencyKey = Self("Idempotency-Key")!
    static let idempotentReplayed = Self("Idempotent-Replayed")!
}
