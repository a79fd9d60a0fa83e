import ObolCore
import ObolTestSupport
import Testing

@testable import ObolNode

/// Header rules as the node applies them: the median time past of the
/// parent's chain, the node's own clock, and the filters an orphan must pass
/// before it takes a slot.
@Suite(.timeLimit(.minutes(1))) struct ChainHeaderRulesTests {
    let params = ChainParams.test

    /// Thirteen blocks whose timestamps go up and down (each still after the
    /// median time past of its parent's chain), chosen so that the median of
    /// the last 10, 11 and 12 timestamps all differ.
    func unevenChain() throws -> ChainBuilder {
        var builder = ChainBuilder()
        for step: UInt64 in [13, 40, 13, 40, 3, 8, 13, 8, 40, 90, 5, 40, 13] {
            try builder.mine(timestamp: builder.medianTimePast + step)
        }
        return builder
    }

    @Test func rejectsATimestampNotAfterTheMedianOfTheLastElevenBlocksAndRemembersIt() async throws {
        let builder = try unevenChain()
        let chain = try makeChain(builder)
        _ = await chain.submitAll(builder.blocks.dropFirst())
        #expect(await chain.tip.hash == builder.tip.hash)

        let timestamps = builder.blocks.map(\.header.timestamp)
        let median = MedianTimePast.of(timestamps.suffix(params.medianTimeSpan))
        // The median differs from the parent's timestamp and from a window one block shorter or longer.
        try #require(median + 1 < builder.tip.header.timestamp)
        try #require(median != MedianTimePast.of(timestamps.suffix(params.medianTimeSpan - 1)))
        try #require(median != MedianTimePast.of(timestamps.suffix(params.medianTimeSpan + 1)))
        #expect(await chain.miningContext().minimumTimestamp == median + 1)

        let stale = builder.makeBlock(timestamp: median)
        let refused = SubmitResult.invalid(.rule(.timestampNotAfterMedianTimePast(timestamp: median, median: median)))
        #expect(await chain.submit(stale) == refused)
        #expect(await chain.submit(stale) == .invalid(.knownInvalid), "remembered by hash")
        #expect(await chain.tip.hash == builder.tip.hash)

        // One second later is enough, though still before the parent's timestamp.
        let justAfter = builder.makeBlock(timestamp: median + 1)
        #expect(await chain.submit(justAfter) == .connected(height: builder.nextHeight, disconnected: 0))
    }

    @Test func rejectsABlockTooFarAheadOfTheNodeClockUntilTheClockCatchesUp() async throws {
        var builder = ChainBuilder()
        let clock = MempoolTestClock(builder.genesis.header.timestamp + 1_000)
        let chain = try ChainActor(params: params, store: MemoryChainStore(), clock: clock)
        let limit = clock.now() + params.maxFutureDrift

        let atLimit = builder.makeBlock(timestamp: limit)
        try builder.append(atLimit)
        #expect(await chain.submit(atLimit) == .connected(height: 1, disconnected: 0))

        let early = builder.makeBlock(timestamp: limit + 1)
        let refused = SubmitResult.invalid(.rule(.timestampTooFarInFuture(timestamp: limit + 1, limit: limit)))
        #expect(await chain.submit(early) == refused)
        #expect(await chain.tip.height == 1)
        // Not the block's fault: it is not remembered, and the same block is
        // accepted once the node's clock has moved on.
        clock.advance(by: 1)
        #expect(await chain.submit(early) == .connected(height: 2, disconnected: 0))
    }

    @Test func refusesOrphansWithoutTheirOwnWorkOrAWellFormedBodyWithoutTakingASlot() async throws {
        var builder = ChainBuilder()
        try builder.mine(count: 3)
        // One slot: a refused orphan that took it would push the waiting one out.
        let chain = try makeChain(builder, options: ChainOptions(orphanCapacity: 1))
        let waiting = builder.block(at: 3)
        #expect(await chain.submit(waiting) == .orphan)

        var unmined = waiting
        unmined.header = ChainBuilder.unmine(waiting.header)
        #expect(unmined.header.bits.target.map { $0 <= params.maxTarget } == true, "only the work is missing")
        #expect(await chain.submit(unmined) == .invalid(.rule(.proofOfWorkTooWeak)))
        #expect(await chain.orphanCount == 1)

        var malformed = waiting
        malformed.header.merkleRoot = .zero
        malformed = ChainBuilder.remine(malformed, recomputeMerkleRoot: false)
        #expect(malformed.header.meetsOwnTarget)
        #expect(await chain.submit(malformed) == .invalid(.rule(.merkleRootMismatch)))
        var twoCoinbases = waiting
        twoCoinbases.transactions.append(.coinbase(builder.coinbase(height: 3, data: [2])))
        twoCoinbases = ChainBuilder.remine(twoCoinbases)
        #expect(await chain.submit(twoCoinbases) == .invalid(.rule(.multipleCoinbases)))
        #expect(await chain.orphanCount == 1)

        // The waiting orphan kept its slot: it connects once its parents arrive.
        #expect(await chain.submitAll(builder.blocks[1...2])
            == [.connected(height: 1, disconnected: 0), .connected(height: 2, disconnected: 0)])
        #expect(await chain.tip.hash == waiting.hash)
        #expect(await chain.orphanCount == 0)
    }
}
