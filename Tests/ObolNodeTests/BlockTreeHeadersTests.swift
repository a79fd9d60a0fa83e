import ObolCore
import ObolTestSupport
import Testing

@testable import ObolNode

/// Index entries for `builder`'s blocks from `from` up (header-only unless `bodies`).
func indexEntries(_ builder: ChainBuilder, from: UInt64 = 1, bodies: Bool = false) -> [BlockIndexEntry] {
    guard from <= builder.height else { return [] }
    return (from...builder.height).map { height in
        let block = builder.block(at: height)
        return BlockIndexEntry(hash: block.hash, header: block.header, chainWork: builder.chainWork(at: height),
                               status: bodies ? .valid : .headerValid, hasBody: bodies)
    }
}

/// A tree holding `builder`'s genesis, with its blocks connected up to `connected`.
func tree(_ builder: ChainBuilder, connected: UInt64) -> BlockTree {
    let genesis = builder.genesis
    var tree = BlockTree(genesis: BlockIndexEntry(hash: genesis.hash, header: genesis.header,
                                                  chainWork: builder.chainWork(at: 0), status: .valid))
    for entry in indexEntries(builder, bodies: true) where entry.height <= connected {
        tree.insert(entry)
        tree.connect(entry.hash)
    }
    return tree
}

/// The block tree's headers-first bookkeeping, driven directly.
@Suite(.timeLimit(.minutes(1)))
struct BlockTreeHeadersTests {
    @Test func loadingLeavesOutStoredHeadersWhoseParentIsMissing() throws {
        // A crash can keep a header written while its parent's entry was still queued.
        var builder = ChainBuilder()
        try builder.mine(count: 4)
        let genesis = builder.genesis
        let root = BlockIndexEntry(hash: genesis.hash, header: genesis.header, chainWork: builder.chainWork(at: 0),
                                   status: .valid)
        let stored = [root] + indexEntries(builder, bodies: true).prefix(2) + indexEntries(builder, from: 4)
        let tree = try #require(BlockTree(entries: stored, tip: builder.block(at: 2).hash))
        #expect(!tree.contains(builder.block(at: 4).hash))
        #expect(tree.bestHeader.hash == builder.block(at: 2).hash)
        #expect(tree.bestHeaderChain.count == 3)
    }

    @Test func tracksTheBestHeaderApartFromTheTip() throws {
        var builder = ChainBuilder()
        try builder.mine(count: 6)
        var tree = tree(builder, connected: 2)
        for entry in indexEntries(builder, from: 3) { tree.insert(entry) }
        #expect(tree.tip.hash == builder.block(at: 2).hash)
        #expect(tree.bestHeader.hash == builder.tip.hash)
        #expect(tree.isOnBestHeaderChain(builder.block(at: 4).hash))
        #expect(tree.headerChainWork(through: builder.block(at: 3).hash) == builder.chainWork)
    }

    @Test func listsMissingBodiesOnTheBestHeaderChainInHeightOrder() throws {
        var builder = ChainBuilder()
        try builder.mine(count: 6)
        var tree = tree(builder, connected: 2)
        for entry in indexEntries(builder, from: 3) { tree.insert(entry) }
        #expect(tree.blocksToFetch(window: 3) == (3...5).map { builder.block(at: $0).hash })
        #expect(tree.blocksToFetch(window: 10) == (3...6).map { builder.block(at: $0).hash })
        #expect(tree.blocksToFetch(window: 10) { $0 == builder.block(at: 3).hash }.first == builder.block(at: 4).hash)
        #expect(tree.blocksToFetch(window: 0).isEmpty)
    }

    @Test func listsBodiesAfterTheForkWhenTheBestHeaderChainIsAnotherBranch() throws {
        var main = ChainBuilder()
        try main.mine(count: 3)
        var side = main.forked(at: 1, coinbaseData: [1])
        try side.mine(count: 4)
        var tree = tree(main, connected: 3)
        for entry in indexEntries(side, from: 2) { tree.insert(entry) }
        #expect(tree.bestHeader.hash == side.tip.hash)
        #expect(tree.blocksToFetch(window: 10) == (2...5).map { side.block(at: $0).hash })
    }

    @Test func theFirstSeenHeaderKeepsATieInWork() throws {
        var main = ChainBuilder()
        try main.mine(count: 3)
        var side = main.forked(at: 0, coinbaseData: [2])
        try side.mine(count: 3)
        var tree = tree(main, connected: 0)
        for entry in indexEntries(main) { tree.insert(entry) }
        for entry in indexEntries(side) { tree.insert(entry) }
        try #require(side.chainWork == main.chainWork)
        #expect(tree.bestHeader.hash == main.tip.hash)
    }

    @Test func anInvalidBestHeaderGivesWayToTheNextBest() throws {
        var main = ChainBuilder()
        try main.mine(count: 2)
        var side = main.forked(at: 0, coinbaseData: [3])
        try side.mine(count: 3)
        var tree = tree(main, connected: 2)
        for entry in indexEntries(side) { tree.insert(entry) }
        #expect(tree.bestHeader.hash == side.tip.hash)
        tree.markInvalid(side.block(at: 2).hash)
        #expect(tree.bestHeader.hash == main.tip.hash)
        #expect(tree.blocksToFetch(window: 10).isEmpty)
    }

    @Test func refusesDeepForksWithoutMoreWork() throws {
        var main = ChainBuilder()
        try main.mine(count: 10)
        let tree = tree(main, connected: 10)
        let shallow = main.block(at: 8).hash
        let deep = main.block(at: 3).hash
        let little = main.chainWork(at: 9)
        #expect(!tree.forksTooDeep(parent: shallow, work: little, maxDepth: 4))
        #expect(tree.forksTooDeep(parent: deep, work: little, maxDepth: 4))
        #expect(!tree.forksTooDeep(parent: deep, work: main.chainWork + .one, maxDepth: 4), "more work than the tip")
    }

    @Test func prunesBranchesThatCanNeverWin() throws {
        var main = ChainBuilder()
        try main.mine(count: 3)
        var dead = main.forked(at: 1, coinbaseData: [4])
        try dead.mine(count: 1)
        var live = main.forked(at: 2, coinbaseData: [5])
        try live.mine(count: 1)
        try main.mine(count: 7)  // height 10
        var tree = tree(main, connected: 10)
        for entry in indexEntries(dead, from: 2) + indexEntries(live, from: 3) { tree.insert(entry) }
        let deadHash = dead.tip.hash
        #expect(tree.deadBranches(maxDepth: 8) == [deadHash])
        tree.remove(tree.deadBranches(maxDepth: 8))
        #expect(!tree.contains(deadHash))
        #expect(tree.contains(live.tip.hash), "forks within the bound stay")
        #expect(tree.deadBranches(maxDepth: 20).isEmpty)
    }

    @Test func keepsADeepBranchThatOutworksTheTip() throws {
        var main = ChainBuilder()
        try main.mine(count: 10)
        var side = main.forked(at: 1, coinbaseData: [6])
        try side.mine(count: 10)
        var tree = tree(main, connected: 10)
        for entry in indexEntries(side, from: 2) { tree.insert(entry) }
        #expect(tree.deadBranches(maxDepth: 4).isEmpty)
    }
}
