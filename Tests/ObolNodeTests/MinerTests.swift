import ObolCore
import ObolTestSupport
@testable import ObolNode
import Synchronization
import Testing

/// The miner end to end, with the chain and mempool replaced by closures.
/// Every wait is on an event; the time limit only guards against a hang.
@Suite(.serialized, .timeLimit(.minutes(1)))
struct MinerTests {
    typealias Fixture = MinerFixture

    /// Nonces a worker may scan after a stop: the chunk it is in, plus one
    /// more when the stop lands between its counter update and its flag check.
    static func cancelBound(threads: Int) -> UInt64 { UInt64(threads) * 2 * MiningWorker.chunkSize }

    struct Inputs {
        let tips: AsyncStream<Hash256>
        let tip: AsyncStream<Hash256>.Continuation
        let mempool: AsyncStream<Void>
        let mempoolChanged: AsyncStream<Void>.Continuation

        init() {
            (tips, tip) = AsyncStream.makeStream(bufferingPolicy: .bufferingNewest(1))
            (mempool, mempoolChanged) = AsyncStream.makeStream(bufferingPolicy: .bufferingNewest(1))
        }
    }

    /// Runs the miner while `body` drives it, then cancels it and waits for it to end.
    static func whileMining<T>(_ miner: Miner, _ inputs: Inputs, _ body: () async throws -> T) async throws -> T {
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await miner.run(tips: inputs.tips, mempoolChanges: inputs.mempool) }
            defer { group.cancelAll() }
            return try await body()
        }
    }

    static func chunkRecorder() -> (hooks: Miner.Hooks, chunks: AsyncStream<ScanChunk>) {
        let (chunks, sink) = AsyncStream<ScanChunk>.makeStream()
        var hooks = Miner.Hooks()
        hooks.onScanChunk = { sink.yield($0) }
        return (hooks, chunks)
    }

    @Test func minesValidBlocksAndRestartsAfterEachSubmitWithoutATipEvent() async throws {
        let params = Fixture.params
        let context = Shared(Fixture.context())
        let ledger = Shared(AccountState(genesis: params))
        let pending = MinerTemplateTests.transfers(3)
        let miner = Fixture.miner(threads: 2, context: context, transfers: { _, _ in
            context.current.height == 1 ? pending : []
        }, submit: { block in
            do throws(ValidationError) {
                try HeaderValidator.checkProofOfWork(block.header)
                try BlockValidator.checkSanity(block, params: params)
                try BlockValidator.verifySignatures(block)
                let expected = context.current
                // Connect three blocks only: the miner keeps mining until the test cancels it.
                guard block.height <= 3 else { return .duplicate }
                guard block.header.previousHash == expected.previousHash, block.height == expected.height else {
                    return .sideBranch(height: block.height)
                }
                let refused: ValidationError? = ledger.update { state in
                    do throws(ValidationError) { _ = try state.connect(block, params: params) } catch { return error }
                    return nil
                }
                if let refused { throw refused }
            } catch {
                return .invalid(.rule(error))
            }
            context.update { $0 = Fixture.context(height: block.height + 1, previousHash: block.hash) }
            return .connected(height: block.height, disconnected: 0)
        })
        let events = miner.subscribe()
        let found = try await Self.whileMining(miner, Inputs()) {
            var found: [(Block, SubmitResult)] = []
            while found.count < 3, let next = await events.firstMatch({ $0.found }) { found.append(next) }
            return found
        }
        #expect(found.map { $0.0.height } == [1, 2, 3])
        #expect(found.map { $0.1 } == [1, 2, 3].map { SubmitResult.connected(height: $0, disconnected: 0) })
        let first = try #require(found.first).0
        #expect(first.transactions.count == 4)
        let fees = pending.reduce(0) { $0 + $1.fee }
        #expect(first.transactions[0].coinbase?.amount == params.reward(at: 1) + fees)
        #expect(ledger.current[Fixture.address].balance == 3 * params.blockReward + fees)
        #expect(miner.stats.blocksConnected >= 3)
        #expect(miner.stats.blocksFound >= 3)
    }

    @Test func newTipCancelsTheRunningJobWithinBoundedNoncesAndMiningResumesOnIt() async throws {
        let threads = 2
        let context = Shared(Fixture.context(bits: Fixture.hardBits))
        let (hooks, chunks) = Self.chunkRecorder()
        let miner = Fixture.miner(threads: threads, context: context, hooks: hooks)
        let events = miner.subscribe()
        let inputs = Inputs()
        try await Self.whileMining(miner, inputs) {
            let first = try #require(await events.firstMatch(\.started))
            #expect(first.height == 1)
            // Let the workers get going.
            var seen = 0
            _ = await chunks.firstMatch { _ in seen += 1; return seen >= 2 * threads ? true : nil }

            context.update { $0 = Fixture.context(height: 2, bits: Fixture.hardBits, previousHash: Fixture.tipHash(2)) }
            inputs.tip.yield(Fixture.tipHash(2))

            // The new job may start before the old one's workers have finished their chunk.
            var cancelled: (info: MiningJobInfo, scanned: UInt64, afterCancel: UInt64)?
            var restarted: MiningJobInfo?
            _ = await events.firstMatch { event -> Bool? in
                if let c = event.cancelled { cancelled = c }
                if let s = event.started { restarted = s }
                return cancelled != nil && restarted != nil ? true : nil
            }
            let stopped = try #require(cancelled)
            #expect(stopped.info.id == first.id)
            #expect(stopped.scanned >= UInt64(threads) * MiningWorker.chunkSize)
            #expect(stopped.afterCancel <= Self.cancelBound(threads: threads))

            let resumed = try #require(restarted)
            #expect(resumed.height == 2)
            #expect(resumed.previousHash == Fixture.tipHash(2))
            #expect(resumed.id > first.id)
        }
        #expect(miner.stats.totalHashes > 0)
        #expect(miner.stats.currentJobHeight == nil)
    }

    @Test func workersScanDisjointSlicesAndEveryWorkerScans() async throws {
        let threads = 3
        let context = Shared(Fixture.context(bits: Fixture.hardBits))
        let (hooks, chunks) = Self.chunkRecorder()
        let miner = Fixture.miner(threads: threads, context: context, hooks: hooks)
        let recorded = try await Self.whileMining(miner, Inputs()) {
            var recorded: [ScanChunk] = []
            _ = await chunks.firstMatch { chunk -> Bool? in
                recorded.append(chunk)
                let perWorker = (0..<threads).map { w in recorded.count { $0.worker == w } }
                return perWorker.allSatisfy { $0 >= 3 } ? true : nil
            }
            return recorded
        }
        #expect(Set(recorded.map(\.jobID)) == [1])
        #expect(Set(recorded.map(\.extraNonce)) == [0])
        for worker in 0..<threads {
            let slice = try #require(NoncePartition.slice(worker, of: threads))
            let mine = recorded.filter { $0.worker == worker }
            #expect(mine.first?.start == slice.lowerBound)
            for (a, b) in zip(mine, mine.dropFirst()) { #expect(a.start + a.count == b.start) }
            for chunk in mine {
                #expect(slice.contains(chunk.start) && slice.contains(chunk.start + chunk.count - 1))
            }
        }
        let sorted = recorded.sorted { $0.start < $1.start }
        for (a, b) in zip(sorted, sorted.dropFirst()) { #expect(a.start + a.count <= b.start) }
    }

    @Test func exhaustedNonceSpaceBumpsTheExtraNonce() async throws {
        let space: ClosedRange<UInt64> = 0...(3 * MiningWorker.chunkSize - 1)
        let context = Shared(Fixture.context(bits: Fixture.hardBits))
        var (hooks, chunks) = Self.chunkRecorder()
        hooks.nonceSpace = space
        let miner = Fixture.miner(threads: 2, context: context, hooks: hooks)
        let events = miner.subscribe()
        try await Self.whileMining(miner, Inputs()) {
            let first = try #require(await events.firstMatch(\.started))
            #expect(first.extraNonce == 0)
            let bumped = try #require(await events.firstMatch(\.started))
            #expect(bumped.id == first.id)
            #expect(bumped.extraNonce == 1)
            #expect(bumped.height == first.height)
        }
        // The first round covered the space exactly once.
        var covered: [ScanChunk] = []
        _ = await chunks.firstMatch { chunk -> Bool? in
            if chunk.extraNonce == 0 { covered.append(chunk) }
            return covered.reduce(0) { $0 + $1.count } >= UInt64(space.count) ? true : nil
        }
        let sorted = covered.sorted { $0.start < $1.start }
        #expect(sorted.first?.start == 0)
        for (a, b) in zip(sorted, sorted.dropFirst()) { #expect(a.start + a.count == b.start) }
        #expect(sorted.last.map { $0.start + $0.count } == space.upperBound + 1)
    }

    @Test func mempoolRefreshIsRateLimited() async throws {
        let timer = ManualClock(seconds: Fixture.params.genesisTimestamp + 100)
        let context = Shared(Fixture.context(bits: Fixture.hardBits))
        let templates = Shared(0)
        let miner = Fixture.miner(threads: 1, context: context, clock: timer, refresh: .seconds(2),
                                  transfers: { _, _ in templates.update { $0 += 1 }; return [] })
        let events = miner.subscribe()
        let inputs = Inputs()
        try await Self.whileMining(miner, inputs) {
            let first = try #require(await events.firstMatch(\.started))
            #expect(first.id == 1)
            for _ in 0..<5 { inputs.mempoolChanged.yield() }
            // The first change within the interval arms a timer rather than refreshing.
            let deadline = try #require(await timer.sleeps.firstMatch { $0 })
            #expect(deadline.offset == .seconds(2))
            #expect(miner.stats.jobsStarted == 1)

            timer.advance(by: .seconds(2))
            let refreshed = try #require(await events.firstMatch(\.started))
            #expect(refreshed.id == 2)
            #expect(refreshed.height == 1)

            // No other refresh slips in before the job for the next tip.
            context.update { $0 = Fixture.context(height: 2, bits: Fixture.hardBits, previousHash: Fixture.tipHash(2)) }
            inputs.tip.yield(Fixture.tipHash(2))
            let onTip = try #require(await events.firstMatch(\.started))
            #expect(onTip.id == 3)
            #expect(onTip.height == 2)
            #expect(templates.current == 3)

            // Once the interval has passed, a change refreshes without waiting.
            timer.advance(by: .seconds(10))
            inputs.mempoolChanged.yield()
            let later = try #require(await events.firstMatch(\.started))
            #expect(later.id == 4)
        }
    }

    @Test func refusedBlockIsFollowedByAJobWithoutTransfers() async throws {
        let context = Shared(Fixture.context())
        let miner = Fixture.miner(threads: 1, context: context,
                                  transfers: { _, _ in MinerTemplateTests.transfers(1) },
                                  submit: { _ in .invalid(.rule(.badNonce(.zero, expected: 1, actual: 0))) })
        let events = miner.subscribe()
        try await Self.whileMining(miner, Inputs()) {
            let first = try #require(await events.firstMatch(\.started))
            #expect(first.transferCount == 1)
            let (block, result) = try #require(await events.firstMatch { $0.found })
            #expect(block.transactions.count == 2)
            #expect(result == .invalid(.rule(.badNonce(.zero, expected: 1, actual: 0))))
            let next = try #require(await events.firstMatch(\.started))
            #expect(next.transferCount == 0)
        }
    }

    @Test func endOfTheTipStreamStopsMining() async throws {
        let threads = 2
        let context = Shared(Fixture.context(bits: Fixture.hardBits))
        let miner = Fixture.miner(threads: threads, context: context)
        let events = miner.subscribe()
        let inputs = Inputs()
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await miner.run(tips: inputs.tips, mempoolChanges: inputs.mempool) }
            _ = await events.firstMatch(\.started)
            inputs.tip.finish()
            await group.waitForAll()
        }
        let (_, _, afterCancel) = try #require(await events.firstMatch { $0.cancelled })
        #expect(afterCancel <= Self.cancelBound(threads: threads))
        #expect(miner.stats.currentJobHeight == nil)
    }

    @Test func invalidBitsStopMiningUntilTheTipChanges() async throws {
        let context = Shared(Fixture.context(bits: CompactTarget(bits: 0x0080_0000)))
        let miner = Fixture.miner(threads: 1, context: context)
        let events = miner.subscribe()
        let inputs = Inputs()
        try await Self.whileMining(miner, inputs) {
            guard case .invalidTarget(let info)? = await events.firstMatch({ $0 }) else {
                Issue.record("expected invalidTarget first")
                return
            }
            #expect(info.height == 1)
            context.update { $0 = Fixture.context(height: 2, bits: Fixture.hardBits, previousHash: Fixture.tipHash(2)) }
            inputs.tip.yield(Fixture.tipHash(2))
            let resumed = try #require(await events.firstMatch(\.started))
            #expect(resumed.height == 2)
        }
    }

    /// A clock set before genesis would give only blocks from the future: the miner says so and waits,
    /// starting no job, until the clock is right.
    @Test func aClockBehindTheChainStopsMiningUntilItCatchesUp() async throws {
        let params = Fixture.params
        let clock = ManualClock(seconds: params.genesisTimestamp - 1_000)
        let miner = Fixture.miner(threads: 1, context: Shared(Fixture.context(bits: Fixture.hardBits)), clock: clock)
        let events = miner.subscribe()
        var sleeps = clock.sleeps.makeAsyncIterator()
        let expectedLag = (params.genesisTimestamp + 1) - (params.genesisTimestamp - 1_000 + params.maxFutureDrift)
        try await Self.whileMining(miner, Inputs()) {
            var iterator = events.makeAsyncIterator()
            guard case let .clockBehind(lag)? = await iterator.next() else {
                Issue.record("expected clockBehind first")
                return
            }
            #expect(lag == expectedLag)
            _ = await sleeps.next()
            clock.advance(by: .seconds(1))
            guard case let .clockBehind(later)? = await iterator.next() else {
                Issue.record("a job started while the clock was still behind")
                return
            }
            #expect(later == expectedLag - 1)
            _ = await sleeps.next()
            clock.advance(by: .seconds(Int64(expectedLag)))
            guard case let .jobStarted(info)? = await iterator.next() else {
                Issue.record("expected a job")
                return
            }
            #expect(info.height == 1)
            #expect(miner.stats.jobsStarted == 1)
        }
    }

    @Test func secondConcurrentRunReturnsAtOnce() async throws {
        let context = Shared(Fixture.context(bits: Fixture.hardBits))
        let miner = Fixture.miner(threads: 1, context: context)
        let events = miner.subscribe()
        try await Self.whileMining(miner, Inputs()) {
            _ = try #require(await events.firstMatch(\.started))
            let other = Inputs()
            await miner.run(tips: other.tips, mempoolChanges: other.mempool)
            #expect(miner.stats.jobsStarted == 1)
        }
    }

    @Test func statsAndHashRateReflectTheWork() async throws {
        let context = Shared(Fixture.context(bits: Fixture.hardBits))
        let (hooks, chunks) = Self.chunkRecorder()
        let miner = Fixture.miner(threads: 2, context: context, hooks: hooks)
        #expect(miner.hashRate == 0)
        let rate = try await Self.whileMining(miner, Inputs()) {
            // The meter needs two samples a quarter second apart.
            await chunks.firstMatch { _ in miner.hashRate > 0 ? miner.hashRate : nil }
        }
        #expect(try #require(rate) > 0)
        let stats = miner.stats
        #expect(stats.totalHashes >= MiningWorker.chunkSize)
        #expect(stats.jobsStarted == 1)
        #expect(stats.blocksFound == 0)
        #expect(stats.currentJobHeight == nil)
    }
}
