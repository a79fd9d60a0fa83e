import Hummingbird
import Logging

/// Turns every error that escapes a route into a JSON error response:
/// `APIError` as it is, Hummingbird's own errors (no route, body too large)
/// with their status, and anything else as a 500 that is logged.
struct JSONErrorMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context,
                next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as APIError {
            return error.response
        } catch let error as any HTTPResponseError {
            return APIError.from(error, request: request).response
        } catch {
            context.logger.error("unexpected error in API route",
                                 metadata: ["path": "\(request.uri.path)", "error": "\(error)"])
            return APIError(status: .internalServerError, code: "internal", message: "internal error").response
        }
    }
}
