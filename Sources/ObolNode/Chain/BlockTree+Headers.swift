import ObolCore

// Headers first: the best header chain, the bodies still missing on it, the
// fork-depth bound and the pruning of branches that can never win.
extension BlockTree {
    /// The end of the most-work chain of headers that are not invalid. Its
    /// work is never below the tip's (the tip is such a header).
    public var bestHeader: BlockIndexEntry { entries[bestHeaderChain[bestHeaderChain.count - 1]]! }

    public func isOnBestHeaderChain(_ hash: Hash256) -> Bool {
        guard let e = entries[hash], e.height < UInt64(bestHeaderChain.count) else { return false }
        return bestHeaderChain[Int(e.height)] == hash
    }

    /// The work of the most-work header chain known to run through `hash`:
    /// the best header's when `hash` is on its chain, else the entry's own.
    public func headerChainWork(through hash: Hash256) -> UInt256? {
        guard let e = entries[hash] else { return nil }
        return isOnBestHeaderChain(hash) ? bestHeader.chainWork : e.chainWork
    }

    /// Moves the best header chain to end at `hash`: linear in the depth of
    /// the fork between the old and the new chain.
    mutating func setBestHeader(_ hash: Hash256) {
        guard var cursor = entries[hash] else { return }
        var added = [Hash256]()
        while !(cursor.height < UInt64(bestHeaderChain.count) && bestHeaderChain[Int(cursor.height)] == cursor.hash) {
            added.append(cursor.hash)
            guard cursor.height > 0, let parent = entries[cursor.previousHash] else { break }
            cursor = parent
        }
        let keep = added.isEmpty ? Int(cursor.height) + 1 : Int(entries[added.last!]!.height)
        let left = bestHeaderChain[min(keep, bestHeaderChain.count)...]
        bestHeaderChain.removeSubrange(min(keep, bestHeaderChain.count)...)
        bestHeaderChain.append(contentsOf: added.reversed())
        for moved in left { refreshSideHeader(moved) }
        for moved in added { refreshSideHeader(moved) }
    }

    /// Keeps `sideHeaders` right for `hash`: in it when it is a header-only
    /// entry off the best header chain.
    mutating func refreshSideHeader(_ hash: Hash256) {
        if let e = entries[hash], e.status == .headerValid, !e.hasBody, !isOnBestHeaderChain(hash) {
            sideHeaders.insert(hash)
        } else {
            sideHeaders.remove(hash)
        }
    }

    /// Finds the best header again by a scan (after entries were marked
    /// invalid or removed): the tip, unless a header has strictly more work.
    mutating func recomputeBestHeader() {
        guard !mainChain.isEmpty else { return }
        var best = tip
        for e in entries.values where e.status != .invalid && e.chainWork > best.chainWork { best = e }
        bestHeaderChain = mainChain
        setBestHeader(best.hash)
        let onBest = Set(bestHeaderChain)
        sideHeaders = Set(entries.values.filter { $0.status == .headerValid && !$0.hasBody && !onBest.contains($0.hash) }
            .map(\.hash))
    }

    /// Header-only blocks of the best header chain above its fork from the
    /// best chain, in height order, at most `window` of them and no higher
    /// than `reach` blocks above the fork, leaving out those `skip` says are
    /// already at hand.
    public func blocksToFetch(window: Int, reach: Int = .max, skip: (Hash256) -> Bool = { _ in false }) -> [Hash256] {
        guard window > 0 else { return [] }
        var fork = min(mainChain.count, bestHeaderChain.count) - 1
        while fork > 0 && mainChain[fork] != bestHeaderChain[fork] { fork -= 1 }
        var out = [Hash256]()
        var height = fork + 1
        let end = min(bestHeaderChain.count, fork &+ 1 &+ min(reach, Int.max - fork - 1))
        while height < end, out.count < window {
            let hash = bestHeaderChain[height]
            if let e = entries[hash], !e.hasBody, e.status != .invalid, !skip(hash) { out.append(hash) }
            height += 1
        }
        return out
    }

    /// Which of `blocks` (hashes with heights, as `blocksToFetch` gives them) each peer can serve: those
    /// on the chain that ends at the peer's best known header. A tip on the best header chain has every
    /// block of it up to its height; another tip's chain is walked down (at most `maxWalk` entries).
    public func holders(of blocks: [(hash: Hash256, height: UInt64)], peerTips: [UInt64: Hash256],
                        maxWalk: Int = 4_096) -> [Hash256: Set<UInt64>] {
        guard let lowest = blocks.map(\.height).min() else { return [:] }
        var out: [Hash256: Set<UInt64>] = [:]
        for (peer, tip) in peerTips {
            guard let entry = entries[tip] else { continue }
            if isOnBestHeaderChain(tip) {
                for block in blocks where block.height <= entry.height { out[block.hash, default: []].insert(peer) }
                continue
            }
            var chain = Set<Hash256>()
            var cursor: BlockIndexEntry? = entry
            var steps = 0
            while let current = cursor, current.height >= lowest, steps < maxWalk {
                chain.insert(current.hash)
                steps += 1
                cursor = current.height == 0 ? nil : entries[current.previousHash]
            }
            for block in blocks where chain.contains(block.hash) { out[block.hash, default: []].insert(peer) }
        }
        return out
    }

    /// Whether a new header on `parentHash` with `work` forks from the best
    /// chain more than `maxDepth` blocks below the tip while carrying no more
    /// work than the tip. Walks down at most to that depth.
    public func forksTooDeep(parent parentHash: Hash256, work: UInt256, maxDepth: UInt64) -> Bool {
        guard work <= tip.chainWork, height > maxDepth else { return false }
        let floor = height - maxDepth
        var cursor = entries[parentHash]
        while let e = cursor, !isOnMainChain(e.hash) {
            if e.height < floor { return true }
            cursor = entries[e.previousHash]
        }
        guard let fork = cursor else { return true }
        return fork.height < floor
    }

    /// Branches that can never win: entries off the best chain that fork more
    /// than `maxDepth` blocks below the tip and whose every descendant has no
    /// more work than the tip. Linear in the entries off the best chain
    /// (plus sorting them).
    public func deadBranches(maxDepth: UInt64) -> [Hash256] {
        // Every entry on the best chain: nothing to look at (the usual case, O(1)).
        guard height > maxDepth, entries.count > mainChain.count else { return [] }
        let floor = height - maxDepth
        let side = entries.values.filter { !isOnMainChain($0.hash) }.sorted { $0.height < $1.height }
        guard !side.isEmpty else { return [] }
        var forkHeight = [Hash256: UInt64](minimumCapacity: side.count)
        for e in side {
            forkHeight[e.hash] = isOnMainChain(e.previousHash) ? e.height - 1 : (forkHeight[e.previousHash] ?? 0)
        }
        var maxWork = [Hash256: UInt256](minimumCapacity: side.count)
        for e in side.reversed() {
            let own = max(maxWork[e.hash] ?? .zero, e.chainWork)
            maxWork[e.hash] = own
            if !isOnMainChain(e.previousHash) { maxWork[e.previousHash] = max(maxWork[e.previousHash] ?? .zero, own) }
        }
        let tipWork = tip.chainWork
        return side.filter { forkHeight[$0.hash]! < floor && maxWork[$0.hash]! <= tipWork }.map(\.hash)
    }

    /// Forgets entries (never best-chain ones), keeping the links and the
    /// best header consistent.
    public mutating func remove(_ hashes: [Hash256]) {
        var touchedBest = false
        for hash in hashes where !isOnMainChain(hash) {
            guard let e = entries.removeValue(forKey: hash) else { continue }
            touchedBest = touchedBest || (e.height < UInt64(bestHeaderChain.count) && bestHeaderChain[Int(e.height)] == hash)
            children[e.previousHash]?.removeAll { $0 == hash }
            if children[e.previousHash]?.isEmpty == true { children[e.previousHash] = nil }
            children[hash] = nil
            sideBlocksWithBodies.remove(hash)
            sideHeaders.remove(hash)
        }
        if touchedBest { recomputeBestHeader() }
    }
}
