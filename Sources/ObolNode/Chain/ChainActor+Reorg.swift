import ObolCore

// Moving the tip: `ChainState` plans and applies; the actor reads what a
// plan needs off the actor first, then writes and publishes the outcome.
extension ChainActor {
    /// Moves the best chain to the valid branch with the most work, starting
    /// with `target`. A block that fails to connect is marked invalid with its
    /// descendants, and the search goes on from the best valid chain. Returns
    /// the blocks disconnected and the last connect failure.
    func reorganize(toward target: Hash256, arriving: Block?,
                    origin: Origin) async -> (disconnected: Int, failure: ValidationError?) {
        var candidate = target
        var attempts = 0
        var disconnected = 0
        var failure: ValidationError?
        while candidate != chain.tree.tip.hash, attempts < 64 {
            attempts += 1
            guard let plan = chain.plan(toward: candidate) else { break }
            var data = ReorgData()
            if let arriving { data.blocks[arriving.hash] = arriving }
            let needs = ChainState.needs(plan)
            let missing = needs.blocks.filter { data.blocks[$0] == nil }
            if !missing.isEmpty || !needs.undo.isEmpty {
                // Disconnecting reads undo data, which the writer serves, queued or stored.
                if !needs.undo.isEmpty { handOverUnwritten() }
                data = await read(missing, undo: needs.undo, into: data)
                // The tip may have moved during the read: plan again.
                guard chain.tree.tip.hash == plan.from else { continue }
            }
            let outcome = chain.apply(plan, data: data, params: params)
            if let missing = outcome.missingData {
                logger.error("missing body or undo data to move the tip", metadata: ["hash": "\(missing)"])
            }
            if let failed = outcome.failure {
                failure = failed.error
                writer.enqueue(.status(.invalid, failed.marked))
                logger.info("block failed to connect", metadata: ["hash": "\(failed.hash)", "reason": "\(failed.error)"])
            }
            if let update = outcome.update {
                disconnected += update.disconnected.count
                if !update.disconnected.isEmpty { metrics.reorganized(depth: update.disconnected.count) }
                connectsSinceDeadScan += update.connected.count
                if update.disconnected.isEmpty {
                    queue(update)
                } else {
                    handOverUnwritten()
                    writer.enqueue(.tip(update))
                }
                for block in update.disconnected { events.publish(.blockDisconnected(block, height: block.height)) }
                publishConnected(update.connected.map(\.block), arriving: arriving?.hash, origin: origin)
            }
            // The usual case, the target connected, needs no search of the tree.
            if chain.tree.tip.hash == target { break }
            let next = chain.tree.bestValidCandidate()
            if next == candidate { break }  // no progress (e.g. data missing)
            candidate = next
        }
        pruneSideBranches()
        if disconnected > 0 || connectsSinceDeadScan >= 16 { pruneDeadBranches() }
        reportHeights()
        return (disconnected, failure)
    }

    /// Bodies and undo data for a plan, read in one hop off the actor and off
    /// the cooperative pool (queued writes are seen first).
    nonisolated func read(_ blocks: [Hash256], undo: [Hash256], into data: ReorgData) async -> ReorgData {
        let found = try? await writer.read { writer in
            var read = ReorgData()
            for hash in blocks { read.blocks[hash] = try? writer.block(hash) }
            for hash in undo { read.undo[hash] = try? writer.undo(hash) }
            return read
        }
        var data = data
        if let found {
            data.blocks.merge(found.blocks) { old, _ in old }
            data.undo.merge(found.undo) { old, _ in old }
        }
        return data
    }

    /// `blockConnected` for each block (the arriving one with its origin), then `tipChanged`.
    private func publishConnected(_ blocks: [Block], arriving: Hash256?, origin: Origin) {
        for block in blocks {
            events.publish(.blockConnected(block, height: block.height,
                                           origin: block.hash == arriving ? origin : .local))
        }
        events.publish(.tipChanged(tip))
    }

    /// After a restart: moves to the stored valid branch with the most work,
    /// if the stored tip is behind it (blocks saved but not yet written as the
    /// tip when the process stopped).
    public func resumeBestChain() async {
        let best = chain.tree.bestValidCandidate()
        guard best != chain.tree.tip.hash, let entry = chain.tree.entry(best) else { return }
        logger.info("reconnecting stored blocks", metadata: ["from": "\(chain.tree.tip.height)", "to": "\(entry.height)"])
        _ = await reorganize(toward: best, arriving: nil, origin: .local)
    }

    private func pruneSideBranches() {
        let stale = chain.tree.staleSideBlocks(depth: options.pruneDepth)
        guard !stale.isEmpty else { return }
        writer.enqueue(.prune(stale))
        chain.tree.markPruned(stale)
    }

    /// Forgets branches that can never win (`BlockTree.deadBranches`), in the
    /// tree and the store. Run after a reorg and every 16 connected blocks:
    /// the scan is linear in the entries off the best chain.
    func pruneDeadBranches() {
        connectsSinceDeadScan = 0
        let dead = chain.tree.deadBranches(maxDepth: options.maxForkDepth)
        guard !dead.isEmpty else { return }
        chain.tree.remove(dead)
        writer.enqueue(.remove(dead))
        logger.info("forgot dead branches", metadata: ["entries": "\(dead.count)"])
    }

    /// Sets the height gauges (after anything that may move the tip or the best header).
    func reportHeights() {
        metrics.heights(tip: chain.tree.tip.height, bestHeader: chain.tree.bestHeader.height)
    }
}
