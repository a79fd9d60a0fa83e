import Hummingbird
import ObolCore

/// Parses path and query parameters, answering bad input with a 400 that
/// says what was wrong.
enum RequestParsing {
    /// Echoes at most 100 characters of user input in a message.
    static func clip(_ text: some StringProtocol) -> String {
        text.count <= 100 ? String(text) : String(text.prefix(100)) + "…"
    }

    static func address(_ text: String) throws(APIError) -> Address {
        guard let address = Address(text) else {
            throw .badRequest("invalid-address",
                              "\"\(clip(text))\" is not a valid obol address (wrong prefix, length or checksum)")
        }
        return address
    }

    static func hash(_ text: String, name: String) throws(APIError) -> Hash256 {
        guard let hash = Hash256(hex: text) else {
            throw .badRequest("invalid-hash", "\(name) \"\(clip(text))\" is not 64 hex digits")
        }
        return hash
    }

    /// All digits: a height; 64 hex digits: a hash.
    static func blockID(_ text: String) throws(APIError) -> BlockID {
        if !text.isEmpty, text.utf8.count <= 20, text.utf8.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }) {
            guard let height = UInt64(text) else {
                throw .badRequest("invalid-block-id", "height \(text) is out of range")
            }
            return .height(height)
        }
        guard text.utf8.count == 64, let hash = Hash256(hex: text) else {
            throw .badRequest("invalid-block-id", "\"\(clip(text))\" is neither a block height nor a 64-digit hex hash")
        }
        return .hash(hash)
    }

    /// An optional query parameter of decimal digits only (no sign, no spaces); a value past
    /// `UInt64.max` reads as `UInt64.max` (every use clamps: a limit is capped, a height past the tip
    /// is the tip).
    static func uint(_ request: Request, _ name: String) throws(APIError) -> UInt64? {
        guard let text = request.uri.queryParameters[name[...]] else { return nil }
        guard !text.isEmpty, text.utf8.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }) else {
            throw .badRequest("invalid-parameter", "\(name) must be a non-negative integer, got \"\(clip(text))\"")
        }
        return UInt64(text) ?? .max
    }

    /// `limit`: 1 or more (default `defaultValue`); values above `max` are capped.
    static func limit(_ request: Request, default defaultValue: Int, max: Int) throws(APIError) -> Int {
        guard let value = try uint(request, "limit") else { return min(defaultValue, max) }
        guard value >= 1 else { throw .badRequest("invalid-parameter", "limit must be at least 1, got 0") }
        return Int(min(value, UInt64(max)))
    }

    /// A required path parameter (the router only matches when it is there).
    static func pathParameter(_ context: some RequestContext, _ name: String) throws(APIError) -> String {
        guard let value = context.parameters.get(name) else {
            throw .badRequest("invalid-parameter", "missing \(name)")
        }
        return value
    }
}
