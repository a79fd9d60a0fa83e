import ObolCore
import ObolTestSupport
import Testing

@testable import ObolNode

/// The best chain is the one with the most work, not the most blocks.
@Suite(.timeLimit(.minutes(1)))
struct ChainForkChoiceTests {
    /// The test network retargeting every 2 blocks: a branch mined 1 s apart
    /// gets a 4x harder target at each retarget, one mined at the target
    /// spacing keeps the easiest target.
    static var params: ChainParams {
        var params = ChainParams.test
        params.retargetInterval = 2
        return params
    }

    /// `long`: 6 blocks at the target spacing; `heavy`: 3 blocks from genesis, 1 s apart.
    static func branches() throws -> (long: ChainBuilder, heavy: ChainBuilder) {
        var long = ChainBuilder(params: params)
        try long.mine(count: 6)
        var heavy = ChainBuilder(params: params)
        heavy.coinbaseData = [1]
        for _ in 0..<3 { try heavy.mine(timestamp: heavy.tip.header.timestamp + 1) }
        return (long, heavy)
    }

    @Test func aShorterBranchWithMoreWorkBecomesTheTip() async throws {
        let (long, heavy) = try Self.branches()
        try #require(heavy.height < long.height && heavy.chainWork > long.chainWork)
        let chain = try makeChain(long)
        _ = await chain.submitAll(long.blocks.dropFirst())
        let results = await chain.submitAll(heavy.blocks.dropFirst())
        #expect(results == [.headerOnly(height: 1), .headerOnly(height: 2), .connected(height: 3, disconnected: 6)])
        #expect(await chain.tip.hash == heavy.tip.hash)
        #expect(await chain.tip.chainWork == heavy.chainWork)
    }

    @Test func aLongerBranchWithLessWorkDoesNotReplaceTheTip() throws {
        let (long, heavy) = try Self.branches()
        var tree = tree(heavy, connected: 3)
        for entry in indexEntries(long, bodies: true) { tree.insert(entry) }
        #expect(!tree.hasMoreWork(long.tip.hash))
        #expect(tree.bestValidCandidate() == heavy.tip.hash)
        #expect(tree.bestHeader.hash == heavy.tip.hash)
    }

    @Test func aTieInWorkKeepsTheFirstSeenTip() async throws {
        var first = ChainBuilder()
        try first.mine(count: 3)
        var second = first.forked(at: 0, coinbaseData: [2])
        try second.mine(count: 3)
        try #require(first.chainWork == second.chainWork)
        for (seen, other) in [(first, second), (second, first)] {
            let chain = try makeChain(seen)
            _ = await chain.submitAll(seen.blocks.dropFirst())
            #expect(await chain.submitAll(other.blocks.dropFirst()).last == .sideBranch(height: 3))
            #expect(await chain.tip.hash == seen.tip.hash)
        }
    }
}
