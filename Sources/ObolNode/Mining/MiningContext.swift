import ObolCore

/// What a miner needs to build the next block on the tip.
public struct MiningContext: Sendable, Hashable {
    public var height: UInt64
    public var previousHash: Hash256
    public var bits: CompactTarget
    /// The smallest timestamp the block may carry (median time past + 1).
    public var minimumTimestamp: UInt64

    public init(height: UInt64, previousHash: Hash256, bits: CompactTarget, minimumTimestamp: UInt64) {
        self.height = height
        self.previousHash = previousHash
        self.bits = bits
        self.minimumTimestamp = minimumTimestamp
    }
}
