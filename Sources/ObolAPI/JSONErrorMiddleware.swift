import Hummingbird
import Logging

/// Turns every error that escapes a route into a JSON error response:
/// `APIError` as it is, Hummingbird's own errors (no route, body too large)
/// with their status, and anything else as a 500 that is logged. A request
/// with no route whose path `routes` serves with other methods is answered
/// 405 `method-not-allowed` with an `Allow` header; a query parameter the route does not read, 400
/// `invalid-parameter`. An answer to HEAD has no body.
struct JSONErrorMiddleware<Context: RequestContext>: RouterMiddleware {
    let routes: RouteTable

    func handle(_ request: Request, context: Context,
                next: (Request, Context) async throws -> Response) async throws -> Response {
        let response: Response
        do {
            let names = request.uri.queryParameters.map { String($0.key) }
            let (unknown, known) = routes.unknownQueryParameters(request.method, request.uri.path, names)
            if let first = unknown.first {
                let allowed = known.isEmpty ? "this route takes none" : "allowed: \(known.sorted().joined(separator: ", "))"
                throw APIError.badRequest("invalid-parameter",
                                          "unknown query parameter \"\(RequestParsing.clip(first))\"; \(allowed)")
            }
            return try await next(request, context)
        } catch let error as APIError {
            response = error.response
        } catch let error as any HTTPResponseError where error.status == .notFound {
            let allowed = routes.allowedMethods(on: request.uri.path)
            if allowed.isEmpty {
                response = APIError.from(error, request: request).response
            } else {
                var refusal = APIError(status: .methodNotAllowed, code: "method-not-allowed",
                                       message: "\(request.method) is not allowed on \(request.uri.path); "
                                           + "allowed: \(allowed.map(\.rawValue).joined(separator: ", "))").response
                refusal.headers[.allow] = allowed.map(\.rawValue).joined(separator: ", ")
                response = refusal
            }
        } catch let error as any HTTPResponseError {
            response = APIError.from(error, request: request).response
        } catch {
            context.logger.error("unexpected error in API route",
                                 metadata: ["path": "\(request.uri.path)", "error": "\(error)"])
            response = APIError(status: .internalServerError, code: "internal", message: "internal error").response
        }
        return request.method == .head ? response.createHeadResponse() : response
    }
}
