import Hummingbird
import TenureServices

/// 429 with `Retry-After` when the calling key has used up its requests for this second; after authentication.
struct RateLimitMiddleware: RouterMiddleware {
    let limiter: RateLimiter
    let clock: Clock

    func handle(
        _ request: Request,
        context: AppRequestContext,
        next: (Request, AppRequestContext) async throws -> Response
    ) async throws -> Response {
        if let actor = context.actor, !limiter.allow(actor.keyID, now: clock.now()) {
            var problem = Problem(.tooManyRequests, "rate-limited", detail: "This key sent more than \(limiter.perSecond) requests a second.")
            problem.headers[.retryAfter] = "1"
            throw problem
        }
        return try await next(request, context)
    }
}
