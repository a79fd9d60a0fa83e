/// Where a handshake gets its ephemeral key pair: random in production, fixed
/// keys in tests (the published vectors use fixed ephemerals).
public struct NoiseKeySource: Sendable {
    private let make: @Sendable () -> NoiseKeyPair

    public init(_ make: @escaping @Sendable () -> NoiseKeyPair) {
        self.make = make
    }

    /// A new random key pair each time.
    public static let random = NoiseKeySource { NoiseKeyPair() }

    /// Always the same key pair (tests only: reusing an ephemeral key breaks forward secrecy).
    public static func fixed(_ keyPair: NoiseKeyPair) -> NoiseKeySource {
        NoiseKeySource { keyPair }
    }

    func next() -> NoiseKeyPair { make() }
}
