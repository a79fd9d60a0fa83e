import Foundation

/// Everything that makes one Obol network differ from another. Presets are
/// `devnet` (the default) and `test` (trivial difficulty, for tests); other
/// networks load from a JSON chain spec with the same field names.
public struct ChainParams: Sendable, Hashable, Codable {
    public var name: String
    public var networkID: UInt32
    /// First four bytes of every peer-to-peer frame.
    public var magic: UInt32
    public var defaultPort: UInt16

    // Genesis
    public var genesisTimestamp: UInt64
    /// The initial coin release: the genesis coinbase pays it here.
    public var genesisAllocationAddress: Address
    public var genesisAllocationAmount: UInt64

    // Difficulty
    /// Seconds between blocks that the retarget aims for.
    public var targetBlockTime: UInt64
    /// The target is recomputed every `retargetInterval` blocks from the time
    /// the previous window took; one step changes it by at most 4x.
    public var retargetInterval: UInt64
    public var initialBits: CompactTarget
    /// The easiest target allowed.
    public var maxTargetBits: CompactTarget

    // Money
    public var blockReward: UInt64
    public var halvingInterval: UInt64
    public var minimumFee: UInt64

    // Limits
    public var maxBlockSize: Int
    public var maxBlockTransactions: Int
    /// Seconds a header timestamp may be ahead of the local clock.
    public var maxFutureDrift: UInt64
    /// Number of ancestors whose median a new timestamp must exceed.
    public var medianTimeSpan: Int

    // Safety
    /// Confirmations a coinbase needs before its coins can be spent: a block
    /// at height h may spend coins minted at height m only when h − m ≥ this.
    /// A reorg can then never erase coins that were already passed on.
    public var coinbaseMaturity: UInt64
    /// The cumulative work below which a syncing node fetches no block bodies
    /// from a header chain (Bitcoin Core's `nMinimumChainWork`): a cheap long
    /// chain cannot make it download and verify.
    public var minimumChainWork: UInt256

    public var maxTarget: UInt256 { maxTargetBits.target ?? .max }

    /// Block reward at `height`, halving every `halvingInterval` blocks.
    public func reward(at height: UInt64) -> UInt64 {
        let halvings = halvingInterval == 0 ? 0 : height / halvingInterval
        return halvings >= 64 ? 0 : blockReward >> halvings
    }

    /// The genesis block: a single coinbase paying the initial allocation.
    /// It is trusted as the root of the chain and not checked against the rules.
    public var genesisBlock: Block {
        let coinbase = Coinbase(networkID: networkID, height: 0, recipient: genesisAllocationAddress,
                                amount: genesisAllocationAmount, data: Array(name.utf8.prefix(Limits.maxCoinbaseData)))
        let txs = [Transaction.coinbase(coinbase)]
        let header = BlockHeader(height: 0, previousHash: .zero, merkleRoot: MerkleTree.root(of: txs.map(\.fullHash)),
                                 timestamp: genesisTimestamp, bits: initialBits, nonce: 0)
        return Block(header: header, transactions: txs)
    }
}

extension ChainParams {
    /// The documented devnet key that holds the initial allocation. Anyone can
    /// spend it: devnet coins are for trying Obol out, never for value.
    public static let devnetAllocationKeyHex = "0b01000000000000000000000000000000000000000000000000000000000de7"

    public static var devnetAllocationKey: PrivateKey {
        // The constant above is a valid key; a failure here is a programming error.
        try! PrivateKey(hex: devnetAllocationKeyHex)
    }

    /// 1 coin = 100,000,000 base units.
    public static let coin: UInt64 = 100_000_000

    /// The default network: blocks every few seconds on a laptop.
    public static let devnet = ChainParams(
        name: "devnet", networkID: 0x0B01_DE70, magic: 0x0B01_DE70, defaultPort: 9333,
        genesisTimestamp: 1_795_000_000,
        genesisAllocationAddress: devnetAllocationKey.publicKey.address,
        genesisAllocationAmount: 1_000_000 * coin,
        targetBlockTime: 5, retargetInterval: 10,
        initialBits: CompactTarget(bits: 0x1e10_0000), maxTargetBits: CompactTarget(bits: 0x1f01_0000),
        blockReward: 50 * coin, halvingInterval: 1_000_000, minimumFee: 1_000,
        maxBlockSize: 1_000_000, maxBlockTransactions: 5_000,
        maxFutureDrift: 120, medianTimeSpan: 11,
        coinbaseMaturity: 10, minimumChainWork: .zero)

    /// Trivial difficulty (about every other hash wins) and no coinbase
    /// maturity, for tests; maturity tests set their own.
    public static let test = ChainParams(
        name: "test", networkID: 0x0B01_7E57, magic: 0x0B01_7E57, defaultPort: 19333,
        genesisTimestamp: 1_700_000_000,
        genesisAllocationAddress: devnetAllocationKey.publicKey.address,
        genesisAllocationAmount: 1_000_000 * coin,
        targetBlockTime: 5, retargetInterval: 10,
        initialBits: CompactTarget(bits: 0x207f_ffff), maxTargetBits: CompactTarget(bits: 0x207f_ffff),
        blockReward: 50 * coin, halvingInterval: 150, minimumFee: 1_000,
        maxBlockSize: 1_000_000, maxBlockTransactions: 5_000,
        maxFutureDrift: 120, medianTimeSpan: 11,
        coinbaseMaturity: 0, minimumChainWork: .zero)

    public static func preset(named name: String) -> ChainParams? {
        switch name {
        case "devnet": .devnet
        case "test": .test
        default: nil
        }
    }
}
