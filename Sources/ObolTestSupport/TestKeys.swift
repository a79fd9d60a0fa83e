import ObolCore

extension ChainBuilder {
    /// Holds the genesis allocation in the `test` and `devnet` presets.
    public static let allocationKey: PrivateKey = ChainParams.devnetAllocationKey

    /// The default miner of a builder (holds nothing at genesis).
    public static let minerKey: PrivateKey = testKey(0)

    /// A deterministic private key for `index`: the SHA-256 of
    /// "obol-test-key-" and the index. Distinct indices give distinct keys.
    public static func testKey(_ index: Int) -> PrivateKey {
        let digest = SHA256.hash(Array("obol-test-key-\(index)".utf8))
        // A SHA-256 output is a valid key except with probability ~2^-128.
        return try! PrivateKey(bytes: digest.bytes)
    }

    /// The address of ``testKey(_:)``.
    public static func testAddress(_ index: Int) -> Address {
        testKey(index).publicKey.address
    }
}

/// A small, fast, seedable random number generator (SplitMix64), so that
/// randomised tests are reproducible from their seed.
public struct SeededRandom: RandomNumberGenerator, Sendable {
    private var state: UInt64

    public init(seed: UInt64) { state = seed }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// `count` random bytes.
    public mutating func bytes(_ count: Int) -> [UInt8] {
        (0..<count).map { _ in UInt8.random(in: .min ... .max, using: &self) }
    }
}
