import ObolCore

/// A block's header fields, hash and size, without its transactions
/// (one entry of `GET /blocks`).
public struct BlockSummary: Codable, Sendable, Hashable {
    public var hash: Hash256
    public var height: UInt64
    public var version: UInt32
    public var previousHash: Hash256
    public var merkleRoot: Hash256
    /// Seconds since the Unix epoch.
    public var timestamp: UInt64
    /// The compact target, 8 hex digits (as in the header).
    public var bits: String
    /// The target `bits` encodes, 64 hex digits.
    public var target: UInt256
    public var nonce: UInt64
    public var transactionCount: Int
    /// Encoded size in bytes.
    public var size: Int

    public init(hash: Hash256, height: UInt64, version: UInt32, previousHash: Hash256, merkleRoot: Hash256,
                timestamp: UInt64, bits: String, target: UInt256, nonce: UInt64, transactionCount: Int, size: Int) {
        self.hash = hash
        self.height = height
        self.version = version
        self.previousHash = previousHash
        self.merkleRoot = merkleRoot
        self.timestamp = timestamp
        self.bits = bits
        self.target = target
        self.nonce = nonce
        self.transactionCount = transactionCount
        self.size = size
    }
}

extension BlockSummary {
    public init(_ block: Block) {
        self.init(BlockOutline(block))
    }

    public init(_ outline: BlockOutline) {
        let header = outline.header
        self.init(hash: outline.hash, height: header.height, version: header.version,
                  previousHash: header.previousHash, merkleRoot: header.merkleRoot, timestamp: header.timestamp,
                  bits: BlockSummary.hex8(header.bits.bits), target: header.bits.target ?? .zero,
                  nonce: header.nonce, transactionCount: outline.transactionCount, size: outline.size)
    }

    /// Eight lower-case hex digits, zero-padded.
    static func hex8(_ value: UInt32) -> String {
        let digits = String(value, radix: 16)
        return String(repeating: "0", count: max(0, 8 - digits.count)) + digits
    }
}
