import ObolCore

// Writing behind: tip moves that only connect blocks are merged and handed to
// the `StoreWriter` in batches; everything else goes to it at once.
extension ChainActor {
    /// Queues a move that only connects blocks. Queued moves are merged (an
    /// account changed by many blocks is written once) and handed to the
    /// writer together (one transaction) when the batch is full or old
    /// enough. Every block body is queued before its tip move, and a restart
    /// reconnects stored blocks beyond the stored tip (`resumeBestChain`).
    func queue(_ update: TipUpdate) {
        if var pending = unwritten {
            unwritten = nil  // so the merge below mutates in place
            pending.connected.append(contentsOf: update.connected)
            pending.accounts.merge(update.accounts) { _, new in new }
            pending.tip = update.tip
            unwritten = pending
        } else {
            unwritten = update
        }
        if (unwritten?.connected.count ?? 0) >= options.commitBatch || clock.elapsed() - lastWrite >= options.commitDelay {
            handOverUnwritten()
        }
    }

    func handOverUnwritten() {
        lastWrite = clock.elapsed()
        guard let pending = unwritten else { return }
        unwritten = nil
        writer.enqueue(.tip(pending))
    }

    /// What the store's transaction and address indexes do not show yet:
    /// the best-chain blocks whose tip moves are merged here or still queued
    /// in the writer (about a second's worth at most, unless the disk lags),
    /// newest first, and the blocks whose entries they still hold although a
    /// queued move took them off the best chain. Look-ups read the first
    /// before the store and skip the second in it.
    func unindexedChanges() -> (blocks: [Block], stale: Set<Hash256>) {
        let queued = writer.queuedTipMoves()
        let connected = queued.connected + (unwritten?.connected.map(\.block) ?? [])
        var seen = Set<Hash256>()
        let blocks = connected.reversed().filter { block in
            let hash = block.hash
            return isOnMainChain(hash) && seen.insert(hash).inserted
        }
        return (blocks, queued.disconnected.filter { !isOnMainChain($0) })
    }

    /// Writes every queued change to the store, and returns once it is there.
    /// Throws the store's error if it cannot be written (it stays queued and
    /// is tried again). Call it before letting go of the chain: what is queued
    /// then is still written, but nothing waits for it, so a store reopened
    /// at once might not have it yet.
    public func flush() async throws {
        handOverUnwritten()
        try await writer.drain()
    }

    /// Waits for what the writer holds, leaving merged tip moves queued: a
    /// test's way to stop between storing the bodies and storing the tip.
    func drainWriter() async throws {
        try await writer.drain()
    }

    /// Hands queued tip moves that have waited `commitDelay` to the writer;
    /// throws the store's error while writes keep failing.
    public func flushIfDue() throws {
        if unwritten != nil, clock.elapsed() - lastWrite >= options.commitDelay { handOverUnwritten() }
        if let failure = writer.failure { throw failure }
    }
}
