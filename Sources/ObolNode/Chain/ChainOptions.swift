/// Tunables of the chain.
public struct ChainOptions: Sendable {
    /// Side branches this many blocks behind the tip lose their bodies.
    public var pruneDepth: UInt64
    /// Blocks with unknown parents kept in memory at most. They cost a sender
    /// little (any proof of work at or below the network's easiest target), so
    /// they only ever push out each other, never the bodies below.
    public var orphanCapacity: Int
    /// Bodies whose header is known kept in memory at most, unvalidated: those
    /// waiting for their parent's body (blocks arriving out of order during a
    /// sync) or for their branch to gain the work to be worth validating.
    /// When full, the highest body makes room (see `OrphanPool.Eviction.highest`). A peer's sync
    /// window (`PeerManagerConfiguration.downloadWindow`) fits in it.
    public var waitingBodyCapacity: Int
    /// The bytes those bodies may take at most, whatever their count.
    public var waitingBodyBytes: Int
    /// Tip moves are written to the store together once this many blocks
    /// are waiting, or once `commitDelay` has passed since the last write
    /// (see `ChainActor.flush()`). 1 writes every block at once.
    public var commitBatch: Int
    public var commitDelay: Duration
    /// Writes the store may fall behind by (about one per block) before
    /// `submit` waits for it: memory stays bounded when the disk is slower
    /// than validation, and a failing disk stops the chain from growing.
    public var writeBacklog: Int
    /// Headers that fork more than this many blocks below the tip are refused
    /// unless their chain has more work than the tip, and index entries of
    /// branches that fork that deep with no more work than the tip are
    /// forgotten (in the tree and the store): such a branch can only win by
    /// out-working the whole best chain above its fork. 288 blocks are 24
    /// minutes at 5 s a block: far deeper than any honest race (Bitcoin Core
    /// keeps 288 blocks, two days, for a similar purpose), while a spammer
    /// must still mine every header at the expected target.
    public var maxForkDepth: UInt64
    /// Header-only entries off the best header chain kept at most. Past it, a
    /// header that would not become the best header is refused (not the
    /// sender's fault: it may be honest), until dead branches are pruned.
    /// Bounds what cheap side headers can make a node store.
    public var maxSideHeaders: Int

    public init(pruneDepth: UInt64 = 100, orphanCapacity: Int = 64, waitingBodyCapacity: Int = 1_024,
                waitingBodyBytes: Int = 64 << 20, commitBatch: Int = 256, commitDelay: Duration = .seconds(1),
                writeBacklog: Int = 512, maxForkDepth: UInt64 = 288, maxSideHeaders: Int = 4_096) {
        self.maxSideHeaders = max(1, maxSideHeaders)
        self.waitingBodyCapacity = max(1, waitingBodyCapacity)
        self.waitingBodyBytes = max(1, waitingBodyBytes)
        self.maxForkDepth = max(1, maxForkDepth)
        self.pruneDepth = pruneDepth
        self.orphanCapacity = orphanCapacity
        self.commitBatch = max(1, commitBatch)
        self.commitDelay = commitDelay
        self.writeBacklog = max(1, writeBacklog)
    }
}
