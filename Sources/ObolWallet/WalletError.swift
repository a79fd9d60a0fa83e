import Foundation

/// Why a wallet operation failed: a short stable code and one line for people,
/// such as `cannot reach node at http://127.0.0.1:8080: Connection refused`.
public struct WalletError: Error, Sendable, Hashable, CustomStringConvertible, LocalizedError {
    public var code: String
    public var message: String

    public init(code: String, message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { message }
    public var errorDescription: String? { message }
}
