import ObolCore

extension ChainBuilder {
    /// `header` with the first nonce, counting up from its current one, whose
    /// hash meets the header's own bits. At the `test` preset's difficulty
    /// about every other nonce wins. Bits that do not decode to a target can
    /// never be met: the header comes back unchanged.
    public static func mine(_ header: BlockHeader) -> BlockHeader {
        guard header.bits.target != nil else { return header }
        var header = header
        while !header.meetsOwnTarget { header.nonce &+= 1 }
        return header
    }

    /// `block` mined again after a test changed it, so that it still has
    /// valid proof of work and breaks only the rule the test meant to break.
    /// - Parameter recomputeMerkleRoot: when true (the default), the header
    ///   first gets the Merkle root of the block's transactions; pass false
    ///   to keep a root the test set on purpose.
    public static func remine(_ block: Block, recomputeMerkleRoot: Bool = true) -> Block {
        var block = block
        if recomputeMerkleRoot { block.header.merkleRoot = block.computedMerkleRoot }
        block.header.nonce = 0
        block.header = mine(block.header)
        return block
    }

    /// A nonce for `header` whose hash does *not* meet its bits (for a
    /// proof-of-work failure that breaks nothing else).
    public static func unmine(_ header: BlockHeader) -> BlockHeader {
        var header = header
        while header.meetsOwnTarget { header.nonce &+= 1 }
        return header
    }
}

extension ChainBuilder {
    /// The proof of work of `header`'s target (what it adds to a chain's work).
    public static func work(of header: BlockHeader) -> UInt256 {
        header.bits.target?.workForTarget ?? .one
    }

    /// Cumulative work from genesis to the tip, as the node counts it.
    public var chainWork: UInt256 {
        blocks.reduce(UInt256.zero) { $0 + Self.work(of: $1.header) }
    }

    /// Cumulative work from genesis to the block at `height`.
    public func chainWork(at height: UInt64) -> UInt256 {
        blocks.prefix(Int(height) + 1).reduce(UInt256.zero) { $0 + Self.work(of: $1.header) }
    }
}
