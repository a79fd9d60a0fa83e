import ObolCore

/// `GET /blocks/{hash-or-height}`: the header fields, the hash and every
/// transaction, coinbase first.
public struct BlockResponse: Codable, Sendable, Hashable {
    public var hash: Hash256
    public var height: UInt64
    public var version: UInt32
    public var previousHash: Hash256
    public var merkleRoot: Hash256
    /// Seconds since the Unix epoch.
    public var timestamp: UInt64
    /// The compact target, 8 hex digits.
    public var bits: String
    public var target: UInt256
    public var nonce: UInt64
    /// Encoded size in bytes.
    public var size: Int
    /// False for a block on a side branch.
    public var mainChain: Bool
    public var transactions: [TransactionResponse]

    public init(hash: Hash256, height: UInt64, version: UInt32, previousHash: Hash256, merkleRoot: Hash256,
                timestamp: UInt64, bits: String, target: UInt256, nonce: UInt64, size: Int, mainChain: Bool,
                transactions: [TransactionResponse]) {
        self.hash = hash
        self.height = height
        self.version = version
        self.previousHash = previousHash
        self.merkleRoot = merkleRoot
        self.timestamp = timestamp
        self.bits = bits
        self.target = target
        self.nonce = nonce
        self.size = size
        self.mainChain = mainChain
        self.transactions = transactions
    }
}

extension BlockResponse {
    public init(_ block: Block, mainChain: Bool = true) {
        let summary = BlockSummary(block)
        let hash = summary.hash
        self.init(hash: hash, height: summary.height, version: summary.version, previousHash: summary.previousHash,
                  merkleRoot: summary.merkleRoot, timestamp: summary.timestamp, bits: summary.bits,
                  target: summary.target, nonce: summary.nonce, size: summary.size, mainChain: mainChain,
                  transactions: block.transactions.map { TransactionResponse($0, blockHash: hash, height: block.height) })
    }
}
