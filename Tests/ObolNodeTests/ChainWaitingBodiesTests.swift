import ObolCore
import ObolTestSupport
import Testing

@testable import ObolNode

/// Bodies that arrive before their parent's body wait in memory; orphans
/// (unknown parent) cost a sender almost nothing and must not push them out.
@Suite(.timeLimit(.minutes(1)))
struct ChainWaitingBodiesTests {
    @Test func cheapOrphansDoNotEvictABodyWaitingForItsParent() async throws {
        var main = ChainBuilder()
        try main.mine(count: 3)
        let chain = try makeChain(main, options: ChainOptions(orphanCapacity: 4))
        #expect(await chain.submitHeaders(main.blocks[1...3].map(\.header)).accepted == 3)
        // Block 3 comes first: its parent's body is missing, so it waits.
        #expect(await chain.submit(main.block(at: 3)) == .orphan)

        // A flood of orphans, more than the orphan pool holds.
        var stranger = ChainBuilder()
        stranger.coinbaseData = [0xBA, 0xD0]
        try stranger.mine(count: 12)
        for block in stranger.blocks.dropFirst(2) { #expect(await chain.submit(block) == .orphan) }

        // The waiting body survived: once 1 and 2 arrive, 3 connects with them.
        #expect(await chain.submit(main.block(at: 1)) == .connected(height: 1, disconnected: 0))
        #expect(await chain.submit(main.block(at: 2)) == .connected(height: 2, disconnected: 0))
        #expect(await chain.tip.hash == main.tip.hash)
    }
}
