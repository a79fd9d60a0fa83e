import Foundation
import Hummingbird
import ObolAPIModels

/// An error the API answers with its own status and a JSON body
/// `{"error": {"code": …, "message": …}}`. Status mapping lives only here.
public struct APIError: Error, HTTPResponseError, Sendable, CustomStringConvertible {
    public var status: HTTPResponse.Status
    public var code: String
    public var message: String
    /// Headers the response carries besides the JSON content type (`WWW-Authenticate` on a 401).
    public var headers: HTTPFields

    public init(status: HTTPResponse.Status, code: String, message: String, headers: HTTPFields = [:]) {
        self.status = status
        self.code = code
        self.message = message
        self.headers = headers
    }

    public var description: String { "\(status.code) \(code): \(message)" }

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        response
    }

    /// The JSON error response.
    public var response: Response {
        var response = JSONResponse.make(ErrorResponse(code: code, message: message), status: status)
        response.headers.append(contentsOf: headers)
        return response
    }

    // MARK: The errors the routes use

    static func badRequest(_ code: String, _ message: String) -> APIError {
        APIError(status: .badRequest, code: code, message: message)
    }

    static func notFound(_ message: String) -> APIError {
        APIError(status: .notFound, code: "not-found", message: message)
    }

    static func bodyTooLarge(limit: Int) -> APIError {
        APIError(status: .contentTooLarge, code: "body-too-large", message: "request body exceeds \(limit) bytes")
    }

    static func rejected(_ rejection: TransferRejection) -> APIError {
        APIError(status: .unprocessableContent, code: rejection.code, message: rejection.message)
    }

    /// 403 for `banned` and `discouraged`, 409 for `self-connection` and
    /// `duplicate`, 502 for `unreachable`, 503 for `no-free-slot` and
    /// `not-running`; the refusal's code as the error's.
    static func refused(_ refusal: PeerRefusal) -> APIError {
        let status: HTTPResponse.Status = switch refusal.code {
        case .banned, .discouraged: .forbidden
        case .selfConnection, .duplicate: .conflict
        case .unreachable: .badGateway
        case .noFreeSlot, .notRunning: .serviceUnavailable
        }
        return APIError(status: status, code: refusal.code.rawValue, message: refusal.message)
    }

    static func invalid(_ request: InvalidRequest) -> APIError {
        .badRequest(request.code, request.message)
    }

    /// Any other `HTTPResponseError` (no route, a body over the limit…) in the same JSON shape.
    static func from(_ error: some HTTPResponseError, request: Request) -> APIError {
        switch error.status {
        case .notFound:
            return .notFound("no route for \(request.method) \(request.uri.path)")
        case .contentTooLarge:
            return APIError(status: .contentTooLarge, code: "body-too-large", message: "request body is too large")
        case .methodNotAllowed:
            return APIError(status: .methodNotAllowed, code: "method-not-allowed",
                            message: "\(request.method) is not allowed on \(request.uri.path)")
        default:
            let code = error.status.code < 500 ? "bad-request" : "internal"
            return APIError(status: error.status, code: code, message: error.status.reasonPhrase)
        }
    }
}

/// Builds JSON responses with a stable key order.
enum JSONResponse {
    static func make(_ value: some Encodable, status: HTTPResponse.Status = .ok) -> Response {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let data: Data
        do {
            data = try encoder.encode(value)
        } catch {
            // The API's own models always encode; this is a programming error,
            // reported as such rather than crashing the server.
            let fallback = #"{"error":{"code":"internal","message":"could not encode the response"}}"#
            return Response(status: .internalServerError, headers: [.contentType: "application/json; charset=utf-8"],
                            body: .init(byteBuffer: ByteBuffer(string: fallback)))
        }
        return Response(status: status, headers: [.contentType: "application/json; charset=utf-8"],
                        body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }
}
