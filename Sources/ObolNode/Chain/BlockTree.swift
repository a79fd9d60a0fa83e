import ObolCore

/// The block index as a plain value: every known header (best chain, side
/// branches, and header-only entries whose bodies have not arrived or were
/// not worth validating), their links, the best chain by height (the **tip**:
/// the most-work chain whose blocks are all connected) and, apart from it,
/// the **best header** chain (the most-work chain of headers that are not
/// invalid). `ChainActor` owns one and carries out what it decides; tests
/// drive it directly. Header-only logic: BlockTree+Headers.swift.
public struct BlockTree: Sendable {
    public internal(set) var entries: [Hash256: BlockIndexEntry] = [:]
    var children: [Hash256: [Hash256]] = [:]
    /// Best-chain hashes by height.
    public internal(set) var mainChain: [Hash256] = []
    /// The most-work header chain's hashes by height (ends at `bestHeader`).
    public internal(set) var bestHeaderChain: [Hash256] = []
    /// Side-branch blocks whose bodies are still stored.
    public internal(set) var sideBlocksWithBodies: Set<Hash256> = []
    /// Header-only entries off the best header chain (their bodies are never
    /// fetched unless their branch becomes the best): what a sender of cheap
    /// side headers fills, so `ChainActor` bounds it.
    public internal(set) var sideHeaders: Set<Hash256> = []

    public init(genesis: BlockIndexEntry) {
        insert(genesis)
        mainChain = [genesis.hash]
        bestHeaderChain = [genesis.hash]
    }

    /// Rebuilds the tree from stored entries, with the best chain ending at `tip`.
    /// Entries whose parent is not stored are left out: a header written while
    /// its parent's entry was still queued (the parent's body being validated)
    /// can outlive that parent in a crash; it is fetched again. Linear in the
    /// number of entries (after sorting them).
    public init?(entries stored: [BlockIndexEntry], tip: Hash256) {
        for entry in stored.sorted(by: { $0.height < $1.height })
        where entry.height == 0 || entries[entry.previousHash] != nil {
            insert(entry)
        }
        guard var cursor = entries[tip] else { return nil }
        var chain = [cursor.hash]
        while cursor.height > 0 {
            guard let parent = entries[cursor.previousHash] else { return nil }
            chain.append(parent.hash)
            cursor = parent
        }
        mainChain = chain.reversed()
        let onMain = Set(mainChain)
        sideBlocksWithBodies = Set(entries.values.lazy.filter { $0.hasBody && !onMain.contains($0.hash) }.map(\.hash))
        recomputeBestHeader()
    }

    public var tip: BlockIndexEntry { entries[mainChain[mainChain.count - 1]]! }
    public var height: UInt64 { UInt64(mainChain.count - 1) }

    public func entry(_ hash: Hash256) -> BlockIndexEntry? { entries[hash] }
    public func contains(_ hash: Hash256) -> Bool { entries[hash] != nil }

    public func isOnMainChain(_ hash: Hash256) -> Bool {
        guard let e = entries[hash], e.height < UInt64(mainChain.count) else { return false }
        return mainChain[Int(e.height)] == hash
    }

    public func mainChainHash(at height: UInt64) -> Hash256? {
        height < UInt64(mainChain.count) ? mainChain[Int(height)] : nil
    }

    /// The ancestor of `hash` at `height` (itself when heights match).
    public func ancestor(of hash: Hash256, at height: UInt64) -> BlockIndexEntry? {
        guard var cursor = entries[hash], height <= cursor.height else { return nil }
        while cursor.height > height {
            if isOnMainChain(cursor.hash) { return entries[mainChain[Int(height)]] }
            guard let parent = entries[cursor.previousHash] else { return nil }
            cursor = parent
        }
        return cursor
    }

    /// Timestamps of `hash` and its ancestors, newest first, at most `count`.
    func recentTimestamps(from hash: Hash256, count: Int) -> [UInt64] {
        var out = [UInt64]()
        out.reserveCapacity(count)
        var cursor = entries[hash]
        while let entry = cursor, out.count < count {
            out.append(entry.header.timestamp)
            cursor = entry.height == 0 ? nil : entries[entry.previousHash]
        }
        return out
    }

    /// What a child of `parentHash` is checked against.
    public func context(forChildOf parentHash: Hash256, now: UInt64, params: ChainParams) -> HeaderContext? {
        guard let parent = entries[parentHash] else { return nil }
        let height = parent.height + 1
        var windowStart = parent.header.timestamp
        if Retarget.isRetargetHeight(height, params: params),
           let start = ancestor(of: parentHash, at: Retarget.windowStartHeight(for: height, params: params)) {
            windowStart = start.header.timestamp
        }
        let bits = Retarget.nextBits(height: height, parentBits: parent.header.bits,
                                     parentTimestamp: parent.header.timestamp,
                                     windowStartTimestamp: windowStart, params: params)
        let mtp = MedianTimePast.of(recentTimestamps(from: parentHash, count: params.medianTimeSpan))
        return HeaderContext(expectedHeight: height, expectedBits: bits, medianTimePast: mtp, now: now)
    }

    /// Adds an entry (a header-only one or one with its body). The best
    /// header moves to it when it has strictly more work (first seen wins a tie).
    public mutating func insert(_ entry: BlockIndexEntry) {
        guard entries[entry.hash] == nil else { return }
        entries[entry.hash] = entry
        if entry.height > 0 { children[entry.previousHash, default: []].append(entry.hash) }
        if entry.hasBody && !mainChain.isEmpty { sideBlocksWithBodies.insert(entry.hash) }
        if entry.status != .invalid, !bestHeaderChain.isEmpty, entry.chainWork > bestHeader.chainWork {
            setBestHeader(entry.hash)
        }
        refreshSideHeader(entry.hash)
    }

    /// A header-only entry's body arrived and passed sanity and signatures.
    public mutating func markBodyValid(_ hash: Hash256) {
        guard let e = entries[hash], e.status != .invalid else { return }
        entries[hash]!.status = .valid
        entries[hash]!.hasBody = true
        if !isOnMainChain(hash) { sideBlocksWithBodies.insert(hash) }
        sideHeaders.remove(hash)
    }

    /// Marks `hash` and every descendant invalid; returns them.
    @discardableResult
    public mutating func markInvalid(_ hash: Hash256) -> [Hash256] {
        var marked = [Hash256]()
        var stack = [hash]
        while let h = stack.popLast() {
            guard entries[h] != nil else { continue }
            entries[h]!.status = .invalid
            sideHeaders.remove(h)
            marked.append(h)
            stack.append(contentsOf: children[h] ?? [])
        }
        if marked.contains(where: isOnBestHeaderChain) { recomputeBestHeader() }
        return marked
    }

    /// Whether `candidate` should replace the tip: strictly more work
    /// (the first-seen branch wins a tie).
    public func hasMoreWork(_ candidate: Hash256) -> Bool {
        guard let e = entries[candidate], e.status == .valid else { return false }
        return e.chainWork > tip.chainWork
    }

    /// The valid block with the most work whose whole branch is valid and
    /// has bodies. The tip wins a tie (first seen).
    public func bestValidCandidate() -> Hash256 {
        var best = tip
        for e in entries.values where e.status == .valid && e.hasBody && e.chainWork > best.chainWork {
            if branchIsUsable(e.hash) { best = e }
        }
        return best.hash
    }

    private func branchIsUsable(_ hash: Hash256) -> Bool {
        var cursor = entries[hash]
        while let e = cursor, !isOnMainChain(e.hash) {
            guard e.status == .valid, e.hasBody else { return false }
            cursor = entries[e.previousHash]
        }
        return cursor != nil
    }

    /// The path from the tip to `target`: blocks to disconnect (newest first)
    /// and to connect (oldest first).
    public func path(to target: Hash256) -> (disconnect: [Hash256], connect: [Hash256])? {
        guard var cursor = entries[target] else { return nil }
        var connect = [Hash256]()
        while !isOnMainChain(cursor.hash) {
            connect.append(cursor.hash)
            guard let parent = entries[cursor.previousHash] else { return nil }
            cursor = parent
        }
        let forkHeight = Int(cursor.height)
        let disconnect = Array(mainChain[(forkHeight + 1)...].reversed())
        return (disconnect, connect.reversed())
    }

    /// Moves the best chain's end: `disconnectTip` pops one block, `connect` pushes one.
    public mutating func disconnectTip() {
        let hash = mainChain.removeLast()
        if entries[hash]?.hasBody == true { sideBlocksWithBodies.insert(hash) }
    }

    public mutating func connect(_ hash: Hash256) {
        precondition(entries[hash]?.previousHash == mainChain.last, "connect must extend the tip")
        mainChain.append(hash)
        sideBlocksWithBodies.remove(hash)
    }

    /// Side-branch blocks more than `depth` blocks below the tip that still
    /// have bodies; the caller prunes them.
    public func staleSideBlocks(depth: UInt64) -> [Hash256] {
        guard height > depth else { return [] }
        let limit = height - depth
        return sideBlocksWithBodies.filter { (entries[$0]?.height ?? 0) < limit }
    }

    /// A pruned side block got its body back.
    public mutating func restoreBody(_ hash: Hash256) {
        guard entries[hash] != nil else { return }
        entries[hash]!.hasBody = true
        if !isOnMainChain(hash) { sideBlocksWithBodies.insert(hash) }
    }

    public mutating func markPruned(_ hashes: [Hash256]) {
        for h in hashes {
            entries[h]?.hasBody = false
            sideBlocksWithBodies.remove(h)
        }
    }

    /// A block locator: the tip, then back with exponentially growing steps, ending at genesis.
    public func locator() -> [Hash256] {
        var out = [Hash256]()
        var index = mainChain.count - 1
        var step = 1
        while index > 0 {
            out.append(mainChain[index])
            if out.count >= 10 { step *= 2 }
            index -= step
        }
        out.append(mainChain[0])
        return out
    }

    /// Best-chain headers after the first locator hash that is on the best chain.
    public func headers(after locator: [Hash256], limit: Int) -> [BlockHeader] {
        let start = locator.first(where: isOnMainChain).flatMap { entries[$0].map { Int($0.height) + 1 } } ?? 1
        guard start < mainChain.count, limit > 0 else { return [] }
        let end = start + min(limit, mainChain.count - start)  // no overflow for any limit
        return mainChain[start..<end].compactMap { entries[$0]?.header }
    }
}
