/// A chain that cannot start: the store holds another network's chain, or
/// data that does not fit together.
public struct ChainError: Error, Sendable, CustomStringConvertible {
    public var code: String
    public var message: String

    public static func storeMismatch(_ message: String) -> ChainError {
        ChainError(code: "store-mismatch", message: message)
    }

    public var description: String { "\(code): \(message)" }
}
