import ObolCore

/// A small, fast, seedable random number generator (SplitMix64), so that
/// randomised tests are reproducible from their seed.
public struct SeededRandom: RandomNumberGenerator, Sendable {
    private var generator: SplitMix64

    /// A generator whose sequence is fixed by `seed`.
    public init(seed: UInt64) { generator = SplitMix64(seed: seed) }

    /// The next 64 random bits.
    public mutating func next() -> UInt64 { generator.next() }

    /// `count` random bytes.
    public mutating func bytes(_ count: Int) -> [UInt8] {
        (0..<count).map { _ in UInt8.random(in: .min ... .max, using: &self) }
    }
}

// MARK: - Random protocol values (for encoding tests)

extension SeededRandom {
    /// Valid public keys to draw senders from (random bytes are rarely on the curve).
    private static let publicKeys = (0..<8).map { ChainBuilder.testKey($0).publicKey }

    /// A random 32-byte hash.
    public mutating func hash() -> Hash256 { Hash256(bytes: bytes(32))! }

    /// A random 20-byte address.
    public mutating func address() -> Address { Address(bytes: bytes(Address.size))! }

    /// A header with every field random.
    public mutating func header() -> BlockHeader {
        BlockHeader(version: .random(in: .min ... .max, using: &self), height: next(), previousHash: hash(),
                    merkleRoot: hash(), timestamp: next(), bits: CompactTarget(bits: .random(in: .min ... .max, using: &self)),
                    nonce: next())
    }

    /// A transfer with random fields and a random (invalid) signature; its
    /// data has a random size up to `Limits.maxTransferData`.
    public mutating func transfer() -> Transfer {
        Transfer(networkID: .random(in: .min ... .max, using: &self),
                 sender: Self.publicKeys.randomElement(using: &self)!, recipient: address(),
                 amount: next(), fee: next(), nonce: next(),
                 data: bytes(Int.random(in: 0...Limits.maxTransferData, using: &self)),
                 signature: Signature(bytes: bytes(64))!)
    }

    /// A coinbase with random fields and data up to `Limits.maxCoinbaseData`.
    public mutating func coinbase() -> Coinbase {
        Coinbase(networkID: .random(in: .min ... .max, using: &self), height: next(), recipient: address(),
                 amount: next(), data: bytes(Int.random(in: 0...Limits.maxCoinbaseData, using: &self)))
    }

    /// A block (not valid under consensus) of a random header, a coinbase and
    /// up to `maxTransfers` random transfers.
    public mutating func block(maxTransfers: Int = 8) -> Block {
        let transfers = (0..<Int.random(in: 0...maxTransfers, using: &self)).map { _ in Transaction.transfer(transfer()) }
        return Block(header: header(), transactions: [.coinbase(coinbase())] + transfers)
    }

    /// Undo data of up to `maxEntries` accounts, some of which did not exist
    /// and some of which hold up to three maturity locks.
    public mutating func blockUndo(maxEntries: Int = 16) -> BlockUndo {
        var previous = [Address: Account?]()
        for _ in 0..<Int.random(in: 0...maxEntries, using: &self) {
            if Bool.random(using: &self) {
                previous[address()] = .some(nil)
            } else {
                let locks = (0..<Int.random(in: 0...3, using: &self)).map { _ in
                    MaturityLock(height: next(), amount: next())
                }
                previous[address()] = Account(balance: next(), nonce: next(), locks: locks)
            }
        }
        return BlockUndo(previous: previous)
    }
}
