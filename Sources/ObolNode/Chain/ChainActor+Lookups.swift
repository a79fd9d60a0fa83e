import ObolCore

// Look-ups for readers such as the HTTP API: they read the store off the
// actor, so a look-up never waits for a block being validated, and never
// makes the actor do work in proportion to a block's size.
extension ChainActor {
    /// Outlines of best-chain blocks from `height` up, at most `limit` (a
    /// page of a block listing): one hop for the hashes, then the store is
    /// read off the actor without decoding any transaction.
    public nonisolated func outlines(from height: UInt64, limit: Int) async -> [BlockOutline] {
        await mainChainHashes(from: height, limit: limit).compactMap { try? writer.outline($0) }
    }

    /// A best-chain transaction with where it is. Reads the store off the
    /// actor (a look-up never holds up validation); a transaction of a block
    /// connected in about the last second, not yet in the store's index, is
    /// found in memory, and one of a block that a queued reorganization took
    /// off the best chain is not reported (`unindexedChanges`).
    public nonisolated func transaction(_ txid: Hash256) async -> (Transaction, TransactionLocation)? {
        // Memory first: a move that leaves the writer's queue meanwhile is in the store by then.
        let recent = await unindexedChanges()
        for block in recent.blocks {
            if let index = block.transactions.firstIndex(where: { $0.id == txid }) {
                let location = TransactionLocation(txid: txid, blockHash: block.hash, height: block.height, index: index)
                return (block.transactions[index], location)
            }
        }
        guard let loc = try? writer.store.location(ofTransaction: txid), !recent.stale.contains(loc.blockHash),
              let block = try? writer.block(loc.blockHash), loc.index < block.transactions.count
        else { return nil }
        return (block.transactions[loc.index], loc)
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
        let locations = ((try? writer.store.transactions(involving: address, limit: limit + skipped.count)) ?? [])
            .filter { !skipped.contains($0.blockHash) }
        var blocks: [Hash256: Block] = [:]
        for loc in locations where out.count < limit {
            if blocks[loc.blockHash] == nil { blocks[loc.blockHash] = try? writer.block(loc.blockHash) }
            guard let block = blocks[loc.blockHash], loc.index < block.transactions.count else { continue }
            out.append((block.transactions[loc.index], loc))
        }
        return out
    }
}
