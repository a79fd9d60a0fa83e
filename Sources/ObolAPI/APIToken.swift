/// The secret a client shows in `Authorization: Bearer <token>` to use the node wallet's routes:
/// 32 random bytes, written as 64 lower-case hex digits. The node makes a new one at every start and
/// writes it where only its user can read it (`DATA_DIR/api.token`), as bitcoind does its cookie.
public struct APIToken: Sendable, Hashable, CustomStringConvertible {
    /// The 64 hex digits, as ASCII bytes: what a client sends.
    private let text: [UInt8]

    /// A new token from the system's secure random generator.
    public static func random() -> APIToken {
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<32).map { _ in UInt8.random(in: 0 ... .max, using: &generator) }
        return APIToken(bytes: bytes)
    }

    /// The token of 32 given bytes (for tests and embedders with a token of their own).
    public init(bytes: [UInt8]) {
        precondition(bytes.count == 32, "an API token is 32 bytes")
        let digits = Array("0123456789abcdef".utf8)
        text = bytes.flatMap { [digits[Int($0 >> 4)], digits[Int($0 & 0x0f)]] }
    }

    /// The token written as `hex` (64 hex digits, either case); nil for anything else.
    public init?(hex: String) {
        let lower = Array(hex.lowercased().utf8)
        guard lower.count == 64,
              lower.allSatisfy({ ($0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9")) || ($0 >= UInt8(ascii: "a") && $0 <= UInt8(ascii: "f")) })
        else { return nil }
        text = lower
    }

    /// The 64 hex digits.
    public var hex: String { String(decoding: text, as: UTF8.self) }

    /// Never the secret itself, so that logging a wallet or a token by accident does not leak it.
    public var description: String { "APIToken(…)" }

    /// Whether `presented` is this token. Takes the same time whatever `presented` holds: every byte
    /// of the token is compared (XOR, accumulated with OR) whether or not an earlier one differed, and
    /// a presented token of another length fails after the same loop, without reading its content
    /// any differently.
    public func matches(_ presented: some Sequence<UInt8>) -> Bool {
        Self.constantTimeEqual(Array(presented), text)
    }

    /// Whether `presented` equals `expected`, in a time that depends only on `expected.count`.
    static func constantTimeEqual(_ presented: [UInt8], _ expected: [UInt8]) -> Bool {
        var difference: UInt8 = presented.count == expected.count ? 0 : 1
        let count = presented.count
        for index in 0..<expected.count {
            // Out of range (a shorter token) compares against 0; the length check has already failed it.
            let byte = index < count ? presented[index] : 0
            difference |= byte ^ expected[index]
        }
        return difference == 0
    }
}
