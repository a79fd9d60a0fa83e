import ObolCore
import ObolTestSupport
import Synchronization
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

/// Holds the `hold`-th validation of one block (by hash) until `release()`,
/// and counts how often that block was validated.
final class HashGatedVerifier: BlockSignatureVerifier {
    let target: Hash256
    let hold: Int
    let started: AsyncStream<Void>
    private let startedContinuation: AsyncStream<Void>.Continuation
    private let gate: AsyncStream<Void>
    private let gateContinuation: AsyncStream<Void>.Continuation
    private let calls = Mutex(0)

    init(holding target: Hash256, atValidation hold: Int) {
        self.target = target
        self.hold = hold
        (started, startedContinuation) = AsyncStream.makeStream()
        (gate, gateContinuation) = AsyncStream.makeStream()
    }

    var validations: Int { calls.withLock { $0 } }
    func release() { gateContinuation.finish() }

    func verifySignatures(of block: Block) async throws(ValidationError) {
        try BlockValidator.verifySignatures(block)
    }

    func checkSanityAndSignatures(of block: Block, params: ChainParams) async throws(ValidationError) {
        if block.hash == target {
            let call = calls.withLock { calls in
                calls += 1
                return calls
            }
            if call == hold {
                startedContinuation.yield()
                for await _ in gate {}
            }
        }
        try BlockValidator.checkSanity(block, params: params)
        try BlockValidator.verifySignatures(block)
    }
}

extension ChainWaitingBodiesTests {
    @Test func twoCopiesOfAPrunedBodyAreVerifiedOnce() async throws {
        var main = ChainBuilder()
        try main.mine(count: 1)
        var side = main.forked(at: 1, coinbaseData: [6])
        try main.mine(count: 4)  // height 5
        try side.mine(count: 6)  // height 7
        let pruned = side.block(at: 2)
        // The first validation stores the body; the second, its restore, is held.
        let verifier = HashGatedVerifier(holding: pruned.hash, atValidation: 2)
        let chain = try ChainActor(params: main.params, store: MemoryChainStore(), clock: FixedClock(),
                                   verifier: verifier, options: ChainOptions(pruneDepth: 2))
        _ = await chain.submitAll(main.blocks[1...2])
        #expect(await chain.submit(pruned) == .sideBranch(height: 2))
        _ = await chain.submitAll(main.blocks.dropFirst(3))
        #expect(await chain.entry(pruned.hash)?.hasBody == false)
        _ = await chain.submitAll(side.blocks.dropFirst(3))

        // The body comes back twice at once: the second copy waits for the first.
        async let copy1 = chain.submit(pruned)
        for await _ in verifier.started { break }
        async let copy2 = chain.submit(pruned)
        var spins = 0
        while await chain.waitingForInFlight(pruned.hash) == 0, spins < 10_000 {
            await Task.yield()
            spins += 1
        }
        #expect(await chain.waitingForInFlight(pruned.hash) == 1)
        verifier.release()
        let results = await [copy1, copy2]
        #expect(results.contains(.connected(height: 2, disconnected: 4)))
        #expect(results.contains(.duplicate))
        #expect(verifier.validations == 2, "once when first stored, once when restored")
        #expect(await chain.tip.hash == side.tip.hash)
    }
}
