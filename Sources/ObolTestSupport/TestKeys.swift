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
