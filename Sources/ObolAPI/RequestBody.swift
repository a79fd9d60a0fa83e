import Foundation
import Hummingbird

extension RequestParsing {
    /// The request's body decoded as JSON: 413 `body-too-large` over `limit` bytes (declared or streamed),
    /// 400 `invalid-json` with what is wrong when it does not decode.
    static func json<T: Decodable>(_ request: Request, as _: T.Type, limit: Int) async throws(APIError) -> T {
        if let declared = request.headers[.contentLength].flatMap({ Int($0) }), declared > limit {
            throw .bodyTooLarge(limit: limit)
        }
        let buffer: ByteBuffer
        do {
            buffer = try await request.body.collect(upTo: limit)
        } catch let error as any HTTPResponseError where error.status == .contentTooLarge {
            throw .bodyTooLarge(limit: limit)
        } catch {
            throw .badRequest("invalid-body", "could not read the request body")
        }
        do {
            return try JSONDecoder().decode(T.self, from: Data(buffer.readableBytesView))
        } catch {
            throw .badRequest("invalid-json", describe(error))
        }
    }

    /// One line about why the JSON did not decode.
    static func describe(_ error: any Error) -> String {
        func path(_ keys: [any CodingKey]) -> String {
            keys.isEmpty ? "body" : keys.map(\.stringValue).joined(separator: ".")
        }
        switch error as? DecodingError {
        case let .typeMismatch(type, ctx)?:
            return "\(path(ctx.codingPath)): expected \(type == UInt64.self || type == UInt32.self ? "a non-negative integer" : "\(type)")"
        case let .valueNotFound(_, ctx)?:
            return "\(path(ctx.codingPath)): missing value"
        case let .keyNotFound(key, _)?:
            return "missing field \"\(key.stringValue)\""
        case let .dataCorrupted(ctx)?:
            return ctx.codingPath.isEmpty ? "malformed JSON" : "\(path(ctx.codingPath)): \(ctx.debugDescription)"
        default:
            return "malformed JSON"
        }
    }
}
