/// The body of every error: `{"error": {"code": "...", "message": "..."}}`.
///
/// `code` is short and stable (such as `bad-nonce`, `invalid-address`,
/// `not-found`); `message` is one line for people.
public struct ErrorResponse: Codable, Sendable, Hashable, Error {
    public struct Detail: Codable, Sendable, Hashable {
        public var code: String
        public var message: String

        public init(code: String, message: String) {
            self.code = code
            self.message = message
        }
    }

    public var error: Detail

    public init(code: String, message: String) {
        error = Detail(code: code, message: message)
    }
}
