import ObolCore

/// What the chain did. During a reorg, every disconnected block comes first
/// (newest first), then every connected block (oldest first), then one
/// `tipChanged`. Blocks carry the `Origin` they were submitted with (blocks
/// read back from the store, e.g. a side branch that becomes best, are `.local`).
public enum ChainEvent: Sendable {
    /// A block joined the best chain.
    case blockConnected(Block, height: UInt64, origin: Origin = .local)
    /// A block left the best chain in a reorg.
    case blockDisconnected(Block, height: UInt64)
    /// A block was validated and stored, but its branch has no more work than
    /// the best chain (btcd's "accepted" beside "connected").
    case blockAccepted(Block, height: UInt64, origin: Origin)
    /// The best tip moved (after the connects and disconnects that moved it).
    case tipChanged(ChainTip)
}

/// What the mempool did.
public enum MempoolEvent: Sendable {
    /// A transfer entered the pool; `origin` is who offered it (a transfer that
    /// comes back from a disconnected block is `.local`), so relay does not echo
    /// it to its sender.
    case accepted(Transfer, origin: Origin)
    case removed(Hash256, reason: MempoolRemovalReason)
}

public enum MempoolRemovalReason: String, Sendable, Codable {
    case confirmed, replaced, evicted, expired, invalidated
}
