import Dispatch
import ObolCore
import ObolTestSupport
import Synchronization
import Testing

@testable import ObolNode

/// Holds the first chunk of job 1 until the miner asks job 1 to stop, so the
/// test sees the job stopped by a block from outside, not by finishing.
private final class FirstChunkGate: Sendable {
    private let taken = Atomic<Bool>(false)
    private let released = DispatchSemaphore(value: 0)
    private let heldSink: AsyncStream<Void>.Continuation
    /// Yields once job 1's first chunk is held.
    let held: AsyncStream<Void>

    init() { (held, heldSink) = AsyncStream.makeStream() }

    /// Runs on the worker thread (never on the cooperative pool).
    func chunk(_ chunk: ScanChunk) {
        guard chunk.jobID == 1, taken.compareExchange(expected: false, desired: true, ordering: .acquiringAndReleasing).exchanged
        else { return }
        heldSink.yield()
        released.wait()
    }

    func stopRequested(_ id: Int) {
        if id == 1 { released.signal() }
    }
}

@Suite(.timeLimit(.minutes(1)))
struct NodeMinerStopTests {
    @Test func blockFromOutsideStopsTheRunningJobAndTheNextJobBuildsOnIt() async throws {
        let gate = FirstChunkGate()
        var hooks = Miner.Hooks()
        hooks.onScanChunk = { gate.chunk($0) }
        hooks.onStopRequested = { gate.stopRequested($0) }
        let minerAddress = PrivateKey.generate().publicKey.address
        let node = try Node(configuration: NodeConfiguration(
            params: .test, mining: MinerConfig(address: minerAddress, threads: 1, lowPriorityThreads: false)),
            store: MemoryChainStore(), clock: SystemClock(), minerHooks: hooks)
        let miner = try #require(node.miner)
        var minerEvents = EventRecorder(miner.subscribe())
        var outside = ChainBuilder(params: .test)
        try outside.mine(count: 1)
        let block = outside.tip

        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await node.run() }
            defer { group.cancelAll() }
            // Job 1 is under way on genesis (held inside its first chunk).
            var held = gate.held.makeAsyncIterator()
            _ = await held.next()
            let job1 = try #require(await minerEvents.first(\.started))
            #expect(job1.id == 1)
            #expect(job1.previousHash == ChainParams.test.genesisBlock.hash)

            #expect(await node.submit(block) == .connected(height: 1, disconnected: 0))

            // Job 1 reports its stop and job 2 its start, in either order.
            var stopped: (info: MiningJobInfo, afterStop: UInt64)?
            var next: MiningJobInfo?
            while stopped == nil || next == nil, let event = await minerEvents.next() {
                if let (info, _, after) = event.cancelled, info.id == 1 { stopped = (info, after) }
                if let info = event.started, info.id > 1, next == nil { next = info }
                if let (found, _) = event.found {
                    #expect(found.header.previousHash != job1.previousHash, "job 1 found nothing")
                }
            }
            let stop = try #require(stopped)
            #expect(stop.afterStop == 0)  // it stopped in the chunk it was in; no chunk after
            let job2 = try #require(next)
            #expect(job2.id == 2)
            #expect(job2.previousHash == block.hash)
            #expect(job2.height == 2)
        }
    }

    @Test func stoppingTheNodeEndsEveryEventStream() async throws {
        let node = try Node(configuration: NodeConfiguration(params: .test), store: MemoryChainStore())
        let chainEvents = node.chainEvents(bufferingPolicy: .bufferingNewest(8))
        let mempoolEvents = node.mempoolEvents(bufferingPolicy: .bufferingNewest(8))
        var builder = ChainBuilder(params: .test)
        try builder.mine(count: 1)
        let block = builder.tip
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await node.run() }
            #expect(await node.submit(block) == .connected(height: 1, disconnected: 0))
            group.cancelAll()
            var seen = 0
            for await _ in chainEvents { seen += 1 }  // ends only when the node finishes the stream
            for await _ in mempoolEvents {}
            #expect(seen >= 2)  // blockConnected and tipChanged
            try await group.waitForAll()
        }
    }
}
