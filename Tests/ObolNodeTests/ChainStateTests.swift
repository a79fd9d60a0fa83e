import ObolCore
import ObolTestSupport
import Testing

@testable import ObolNode

/// Reorganizations as values: a plan, the data it needs, and what applying it did.
@Suite(.timeLimit(.minutes(1)))
struct ChainStateTests {
    /// `main` (3 blocks) connected, and `side` (forked at 1, height 4) in the tree with bodies.
    static func forked() throws -> (ChainState, main: ChainBuilder, side: ChainBuilder) {
        var main = ChainBuilder()
        try main.mine(count: 3)
        var side = main.forked(at: 1, coinbaseData: [3])
        side.addTransfer(to: testAddress(5), amount: ChainParams.coin)
        try side.mine(count: 3)
        var state = ChainState(tree: tree(main, connected: 3), accounts: main.state)
        for entry in indexEntries(side, from: 2, bodies: true) { state.tree.insert(entry) }
        return (state, main, side)
    }

    static func data(_ main: ChainBuilder, _ side: ChainBuilder) -> ReorgData {
        var data = ReorgData()
        for block in main.blocks + side.blocks { data.blocks[block.hash] = block }
        for height in 1...main.height { data.undo[main.block(at: height).hash] = main.undos[Int(height) - 1] }
        return data
    }

    @Test func planListsWhatToDisconnectAndConnect() throws {
        let (state, main, side) = try Self.forked()
        let plan = try #require(state.plan(toward: side.tip.hash))
        #expect(plan.from == main.tip.hash)
        #expect(plan.disconnect == [main.block(at: 3).hash, main.block(at: 2).hash])
        #expect(plan.connect == (2...4).map { side.block(at: $0).hash })
        #expect(ChainState.needs(plan).undo == plan.disconnect)
    }

    @Test func applyingAPlanReturnsTheMoveToWrite() throws {
        var (state, main, side) = try Self.forked()
        let plan = try #require(state.plan(toward: side.tip.hash))
        let outcome = state.apply(plan, data: Self.data(main, side), params: main.params)
        let update = try #require(outcome.update)
        #expect(update.tip == side.tip.hash)
        #expect(update.disconnected.map(\.hash) == plan.disconnect)
        #expect(update.connected.map(\.block.hash) == plan.connect)
        #expect(outcome.failure == nil)
        #expect(state.tree.tip.hash == side.tip.hash)
        #expect(state.accounts == side.state)
    }

    @Test func aStalePlanOrMissingUndoChangesNothing() throws {
        var (state, main, side) = try Self.forked()
        var stale = try #require(state.plan(toward: side.tip.hash))
        stale.from = main.block(at: 2).hash
        #expect(state.apply(stale, data: Self.data(main, side), params: main.params).update == nil)
        var data = Self.data(main, side)
        data.undo = [:]
        let plan = try #require(state.plan(toward: side.tip.hash))
        let outcome = state.apply(plan, data: data, params: main.params)
        #expect(outcome.update == nil && outcome.missingData == main.tip.hash)
        #expect(state.tree.tip.hash == main.tip.hash && state.accounts == main.state)
    }

    @Test func aBlockThatFailsToConnectIsMarkedInvalidAndTheTipStays() throws {
        var (state, main, side) = try Self.forked()
        // A transfer the side branch's state cannot pay for, in a well-formed block.
        let broke = side.forked(at: 2)
        let overdraft = broke.transfer(from: ChainBuilder.minerKey, to: testAddress(6), amount: UInt64.max / 4)
        let bad = broke.makeBlock(transfers: [overdraft])
        // Declared heavy enough that the plan would move the tip if it connected.
        let work = ChainBuilder.work(of: bad.header)
        let entry = BlockIndexEntry(hash: bad.hash, header: bad.header,
                                    chainWork: side.chainWork(at: 2) + work + work + work + work, status: .valid)
        state.tree.insert(entry)
        var data = Self.data(main, side)
        data.blocks[bad.hash] = bad
        let plan = try #require(state.plan(toward: bad.hash))
        let outcome = state.apply(plan, data: data, params: main.params)
        #expect(outcome.update == nil)
        #expect(outcome.failure?.hash == bad.hash)
        #expect(state.tree.entry(bad.hash)?.status == .invalid)
        #expect(state.tree.tip.hash == main.tip.hash)
    }
}
