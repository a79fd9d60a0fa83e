/// Tunables of the chain.
public struct ChainOptions: Sendable {
    /// Side branches this many blocks behind the tip lose their bodies.
    public var pruneDepth: UInt64
    /// Blocks with unknown parents kept at most.
    public var orphanCapacity: Int
    /// Tip moves are written to the store together once this many blocks
    /// are waiting, or once `commitDelay` has passed since the last write
    /// (see `ChainActor.flush()`). 1 writes every block at once.
    public var commitBatch: Int
    public var commitDelay: Duration
    /// Writes the store may fall behind by (about one per block) before
    /// `submit` waits for it: memory stays bounded when the disk is slower
    /// than validation, and a failing disk stops the chain from growing.
    public var writeBacklog: Int

    public init(pruneDepth: UInt64 = 100, orphanCapacity: Int = 64, commitBatch: Int = 256,
                commitDelay: Duration = .seconds(1), writeBacklog: Int = 512) {
        self.pruneDepth = pruneDepth
        self.orphanCapacity = orphanCapacity
        self.commitBatch = max(1, commitBatch)
        self.commitDelay = commitDelay
        self.writeBacklog = max(1, writeBacklog)
    }
}
