/// Counters of one miner since it was created.
public struct MinerStats: Sendable, Hashable {
    /// Blocks whose proof of work we found (and submitted).
    public var blocksFound: Int = 0
    /// Of those, how many the chain connected.
    public var blocksConnected: Int = 0
    /// Jobs started (tips, refreshes, found blocks and exhausted nonce spaces).
    public var jobsStarted: Int = 0
    /// Nonces hashed by all workers.
    public var totalHashes: UInt64 = 0
    /// Height of the block being mined, nil when no job runs.
    public var currentJobHeight: UInt64?

    public init() {}
}
