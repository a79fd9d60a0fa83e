import Foundation
import Hummingbird
import ObolAPIModels

/// What one field of a request body must hold, as `docs/openapi.yaml` says.
enum BodyField: Sendable {
    case string
    /// A JSON integer (digits, no fraction or exponent) from 0 to `max`.
    case integer(max: UInt64)
}

/// A request body the API reads strictly: a JSON object with only the fields
/// listed here (the specification's `additionalProperties: false`), each of its kind.
protocol StrictRequestBody: Decodable {
    static var fields: [String: BodyField] { get }
}

extension SubmitTransactionRequest: StrictRequestBody {
    static let fields: [String: BodyField] = [
        "raw": .string, "networkID": .integer(max: UInt64(UInt32.max)), "senderKey": .string, "to": .string,
        "amount": .integer(max: .max), "fee": .integer(max: .max), "nonce": .integer(max: .max), "data": .string,
        "signature": .string,
    ]
}

extension WalletSendRequest: StrictRequestBody {
    static let fields: [String: BodyField] = [
        "to": .string, "amount": .integer(max: .max), "fee": .integer(max: .max), "data": .string,
        "nonce": .integer(max: .max),
    ]
}

extension ConnectPeerRequest: StrictRequestBody {
    static let fields: [String: BodyField] = ["address": .string]
}

extension BanPeerRequest: StrictRequestBody {
    static let fields: [String: BodyField] = ["address": .string, "duration": .integer(max: .max), "reason": .string]
}

extension TrackerRequest: StrictRequestBody {
    static let fields: [String: BodyField] = [
        "nodeId": .string, "address": .string, "network": .integer(max: UInt64(UInt32.max)),
        "timestamp": .integer(max: .max), "proof": .string,
    ]
}

extension RequestParsing {
    /// The request's body decoded as JSON: 413 `body-too-large` over `limit` bytes (declared or streamed),
    /// 400 `invalid-body` when it cannot be read, 400 `invalid-json` when it is not a JSON object or a
    /// field has the wrong kind of value (the message names the field), 400 `invalid-request` for a
    /// field `T` does not have.
    static func json<T: StrictRequestBody>(_ request: Request, as _: T.Type, limit: Int) async throws(APIError) -> T {
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
        let bytes = Array(buffer.readableBytesView)
        try check(bytes, against: T.fields)
        do {
            return try JSONDecoder().decode(T.self, from: Data(bytes))
        } catch {
            throw .badRequest("invalid-json", describe(error))
        }
    }

    /// Refuses a body that is not one JSON object of `fields`.
    static func check(_ bytes: [UInt8], against fields: [String: BodyField]) throws(APIError) {
        let members: [(name: String, value: JSONObjectScanner.Value)]
        do {
            members = try JSONObjectScanner.members(of: bytes)
        } catch {
            throw .badRequest("invalid-json", error.message)
        }
        let unknown = members.map(\.name).filter { fields[$0] == nil }
        guard unknown.isEmpty else {
            let names = unknown.prefix(5).map { "\"\(clip($0))\"" }.joined(separator: ", ")
            throw .badRequest("invalid-request", "unknown field\(unknown.count == 1 ? "" : "s") \(names)"
                + (unknown.count > 5 ? " and \(unknown.count - 5) more" : "")
                + "; allowed: \(fields.keys.sorted().joined(separator: ", "))")
        }
        for (name, value) in members {
            switch (fields[name], value) {
            case (.string?, .string): continue
            case (.string?, _):
                throw .badRequest("invalid-json", "\(name): expected a string, got \(JSONObjectScanner.describe(value))")
            case let (.integer(max)?, .number(text)):
                guard text.utf8.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") || $0 == UInt8(ascii: "-") }) else {
                    throw .badRequest("invalid-json", "\(name): expected an integer, got \(clip(text))")
                }
                guard let number = UInt64(text), number <= max else {
                    throw .badRequest("invalid-json", "\(name): expected an integer from 0 to \(max), got \(clip(text))")
                }
            case (.integer?, _):
                throw .badRequest("invalid-json", "\(name): expected an integer, got \(JSONObjectScanner.describe(value))")
            case (nil, _):
                continue
            }
        }
    }

    /// One line about why the JSON did not decode, naming the field and never a Swift type.
    static func describe(_ error: any Error) -> String {
        func path(_ keys: [any CodingKey]) -> String {
            keys.isEmpty ? "body" : keys.map(\.stringValue).joined(separator: ".")
        }
        func kind(_ type: Any.Type) -> String {
            switch type {
            case is String.Type: "a string"
            case is Bool.Type: "a boolean"
            case is any BinaryInteger.Type: "an integer"
            case is any BinaryFloatingPoint.Type: "a number"
            case is [Any].Type: "an array"
            default: "a JSON object"
            }
        }
        switch error as? DecodingError {
        case let .typeMismatch(type, ctx)?:
            return "\(path(ctx.codingPath)): expected \(kind(type))"
        case let .valueNotFound(type, ctx)?:
            return "\(path(ctx.codingPath)): expected \(kind(type)), got null"
        case let .keyNotFound(key, _)?:
            return "missing field \"\(key.stringValue)\""
        case let .dataCorrupted(ctx)?:
            return ctx.codingPath.isEmpty ? "malformed JSON" : "\(path(ctx.codingPath)): invalid value"
        default:
            return "malformed JSON"
        }
    }
}
