import ObolCore

/// What `ChainActor.submit` did with a block.
public enum SubmitResult: Sendable, Equatable {
    /// The block is on the best chain now (possibly after a reorg that
    /// disconnected `disconnected` blocks).
    case connected(height: UInt64, disconnected: Int)
    /// Valid and stored, on a branch with no more work than the best chain.
    case sideBranch(height: UInt64)
    /// Its parent is unknown, or its header is known but its parent's body
    /// is not: it waits in memory (`OrphanPool`) for it.
    case orphan
    /// Its header is kept (and stored), but the body was neither validated
    /// nor stored: its header chain has less work than the tip, or the best
    /// header chain is still below `ChainParams.minimumChainWork`. The body
    /// waits in memory (bounded) and is validated if its branch gains the work.
    case headerOnly(height: UInt64)
    /// Already known.
    case duplicate
    /// Breaks a rule, or descends from a block that does.
    case invalid(BlockRejection)
}
