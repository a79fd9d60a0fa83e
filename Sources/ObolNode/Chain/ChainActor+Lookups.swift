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
    /// connected in about the last second, not yet indexed by the store, is
    /// found in memory (`unindexedMainChainBlocks`).
    public nonisolated func transaction(_ txid: Hash256) async -> (Transaction, TransactionLocation)? {
        if let loc = try? writer.store.location(ofTransaction: txid),
           let block = try? writer.block(loc.blockHash), loc.index < block.transactions.count {
            return (block.transactions[loc.index], loc)
        }
        for block in await unindexedMainChainBlocks() {
            if let index = block.transactions.firstIndex(where: { $0.id == txid }) {
                let location = TransactionLocation(txid: txid, blockHash: block.hash, height: block.height, index: index)
                return (block.transactions[index], location)
            }
        }
        return nil
    }

    /// Best-chain transactions that paid or spent `address`, newest first:
    /// those of blocks not yet indexed by the store (from memory), then the
    /// store's, read off the actor, each block once.
    public nonisolated func history(of address: Address, limit: Int) async -> [(Transaction, TransactionLocation)] {
        guard limit > 0 else { return [] }
        var out: [(Transaction, TransactionLocation)] = []
        for block in await unindexedMainChainBlocks() where out.count < limit {
            let hash = block.hash
            for (index, transaction) in block.transactions.enumerated().reversed()
            where out.count < limit && Block.indexes(transaction, under: address) {
                out.append((transaction, TransactionLocation(txid: transaction.id, blockHash: hash,
                                                            height: block.height, index: index)))
            }
        }
        guard out.count < limit else { return out }
        // A block being written now may be in both; the store's copy is skipped.
        let fromMemory = Set(out.map(\.1.blockHash))
        let locations = ((try? writer.store.transactions(involving: address, limit: limit)) ?? [])
            .filter { !fromMemory.contains($0.blockHash) }
        var blocks: [Hash256: Block] = [:]
        for loc in locations where out.count < limit {
            if blocks[loc.blockHash] == nil { blocks[loc.blockHash] = try? writer.block(loc.blockHash) }
            guard let block = blocks[loc.blockHash], loc.index < block.transactions.count else { continue }
            out.append((block.transactions[loc.index], loc))
        }
        return out
    }
}
