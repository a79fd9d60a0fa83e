import ObolCore

// Look-ups for readers such as the HTTP API: they read the store off the
// actor and never make it do work in proportion to a block's size; the actor
// is asked only for hashes and for the blocks its store does not index yet.
// Every store read runs on the writer's read queue (`StoreWriter.read`), so
// it neither queues behind validation on the actor nor blocks a thread of
// the cooperative pool.
extension ChainActor {
    /// Outlines of best-chain blocks from `height` up, at most `limit` (a
    /// page of a block listing): one hop for the hashes, then the store is
    /// read off the actor without decoding any transaction.
    public nonisolated func outlines(from height: UInt64, limit: Int) async -> [BlockOutline] {
        let hashes = await mainChainHashes(from: height, limit: limit)
        return (try? await writer.read { writer in hashes.compactMap { try? writer.outline($0) } }) ?? []
    }

    /// A best-chain transaction with where it is. A store hit is answered
    /// off the actor; a miss (or a hit in a block a queued move disconnects)
    /// asks the actor for the blocks the store's index does not show yet
    /// (`unindexedChanges`): a block connected in about the last second is
    /// found in memory, and one taken off the best chain is not reported.
    public nonisolated func transaction(_ txid: Hash256) async -> (Transaction, TransactionLocation)? {
        @Sendable func stored(skipping stale: Set<Hash256>) async -> (Transaction, TransactionLocation)? {
            let found = try? await writer.read { writer -> (Transaction, TransactionLocation)? in
                guard let loc = try? writer.store.location(ofTransaction: txid), !stale.contains(loc.blockHash),
                      let block = try? writer.block(loc.blockHash), loc.index < block.transactions.count
                else { return nil }
                return (block.transactions[loc.index], loc)
            }
            return found ?? nil
        }
        if let hit = await stored(skipping: writer.queuedTipMoves().disconnected) { return hit }
        let recent = await unindexedChanges()
        for block in recent.blocks {
            if let index = block.transactions.firstIndex(where: { $0.id == txid }) {
                let location = TransactionLocation(txid: txid, blockHash: block.hash, height: block.height, index: index)
                return (block.transactions[index], location)
            }
        }
        // Asked again: a move that left the writer's queue since the first
        // look-up is in the store now.
        return await stored(skipping: recent.stale)
    }

    /// Best-chain transactions that paid or spent `address`, newest first:
    /// those of blocks not yet in the store's index (from memory), then the
    /// store's, read off the actor, each block once.
    public nonisolated func history(of address: Address, limit: Int) async -> [(Transaction, TransactionLocation)] {
        guard limit > 0 else { return [] }
        let recent = await unindexedChanges()
        var out: [(Transaction, TransactionLocation)] = []
        for block in recent.blocks where out.count < limit {
            let hash = block.hash
            for (index, transaction) in block.transactions.enumerated().reversed()
            where out.count < limit && Block.indexes(transaction, under: address) {
                out.append((transaction, TransactionLocation(txid: transaction.id, blockHash: hash,
                                                            height: block.height, index: index)))
            }
        }
        guard out.count < limit else { return out }
        // A block being written now may be in both (its copy in the store is
        // skipped), and the store may still list blocks a queued move removed
        // (asking for one more row per skipped block mostly keeps the page full).
        let skipped = recent.stale.union(out.map(\.1.blockHash))
        let wanted = limit - out.count
        let stored = try? await writer.read { writer -> [(Transaction, TransactionLocation)] in
            let locations = ((try? writer.store.transactions(involving: address, limit: limit + skipped.count)) ?? [])
                .filter { !skipped.contains($0.blockHash) }
            var found: [(Transaction, TransactionLocation)] = []
            var blocks: [Hash256: Block] = [:]
            for loc in locations where found.count < wanted {
                if blocks[loc.blockHash] == nil { blocks[loc.blockHash] = try? writer.block(loc.blockHash) }
                guard let block = blocks[loc.blockHash], loc.index < block.transactions.count else { continue }
                found.append((block.transactions[loc.index], loc))
            }
            return found
        }
        return out + (stored ?? [])
    }
}
