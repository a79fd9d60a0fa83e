import ObolCore
import ObolTestSupport
@testable import ObolNode
import Testing

/// The miner as the node runs it: the chain's tips stop the job, the
/// mempool's tips start the next one.
@Suite(.serialized, .timeLimit(.minutes(1)))
struct MinerStopTests {
    typealias Fixture = MinerFixture

    @Test func newTipStopsTheJobWithinAChunkAndTheNextStartsOnceTheMempoolHasTheTip() async throws {
        let threads = 2
        let context = Shared(Fixture.context(bits: Fixture.hardBits))
        let miner = Fixture.miner(threads: threads, context: context)
        var events = EventRecorder(miner.subscribe())
        let (tips, tip) = AsyncStream<Hash256>.makeStream(bufferingPolicy: .bufferingNewest(1))
        let (mempoolTips, mempoolTip) = AsyncStream<Hash256>.makeStream(bufferingPolicy: .bufferingNewest(1))
        let (changes, _) = AsyncStream<Void>.makeStream(bufferingPolicy: .bufferingNewest(1))
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await miner.run(tips: tips, mempoolTips: mempoolTips, mempoolChanges: changes) }
            defer { group.cancelAll() }
            let first = try #require(await events.first(\.started))
            #expect(first.id == 1)

            context.update { $0 = Fixture.context(height: 2, bits: Fixture.hardBits, previousHash: Fixture.tipHash(2)) }
            tip.yield(Fixture.tipHash(2))
            let (stopped, _, afterStop) = try #require(await events.first { $0.cancelled })
            #expect(stopped.id == 1)
            #expect(afterStop <= MinerTests.cancelBound(threads: threads))
            #expect(miner.stats.currentJobHeight == nil)

            // A mempool still behind the chain starts nothing; once it has the tip, the job starts.
            mempoolTip.yield(Fixture.tipHash(1))
            mempoolTip.yield(Fixture.tipHash(2))
            let next = try #require(await events.first(\.started))
            #expect(next.id == 2)
            #expect(next.height == 2)
            #expect(next.previousHash == Fixture.tipHash(2))
            #expect(miner.stats.jobsStarted == 2)
        }
    }

    @Test func jobWhoseContextIsPastItsTipDoesNotMine() async throws {
        // The chain is already at tip 3 when the job for tip 2 reads its context.
        let context = Shared(Fixture.context(height: 3, bits: Fixture.hardBits, previousHash: Fixture.tipHash(3)))
        let miner = Fixture.miner(threads: 1, context: context)
        var events = EventRecorder(miner.subscribe())
        let (tips, tip) = AsyncStream<Hash256>.makeStream(bufferingPolicy: .bufferingNewest(1))
        let (mempoolTips, mempoolTip) = AsyncStream<Hash256>.makeStream(bufferingPolicy: .bufferingNewest(1))
        let (changes, _) = AsyncStream<Void>.makeStream(bufferingPolicy: .bufferingNewest(1))
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await miner.run(tips: tips, mempoolTips: mempoolTips, mempoolChanges: changes) }
            defer { group.cancelAll() }
            _ = try #require(await events.first(\.started))  // job 1, started before any tip
            tip.yield(Fixture.tipHash(2))
            _ = await events.first { $0.cancelled }
            mempoolTip.yield(Fixture.tipHash(2))  // job 2 reads tip 3's context and ends
            tip.yield(Fixture.tipHash(3))
            mempoolTip.yield(Fixture.tipHash(3))
            // Whether or not job 2 started (the streams may deliver tip 3 first), no job mines on tip 2.
            let next = try #require(await events.first(\.started))
            #expect(next.previousHash == Fixture.tipHash(3))
            #expect(next.height == 3)
        }
    }
}
