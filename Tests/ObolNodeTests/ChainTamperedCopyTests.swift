import ObolCore
import ObolTestSupport
import Synchronization
import Testing

@testable import ObolNode

/// Holds the first block it is asked to validate until `release()`; every
/// other block is validated at once.
final class GatedVerifier: BlockSignatureVerifier {
    let started: AsyncStream<Void>
    private let startedContinuation: AsyncStream<Void>.Continuation
    private let gate: AsyncStream<Void>
    private let gateContinuation: AsyncStream<Void>.Continuation
    private let first = Mutex(true)

    init() {
        (started, startedContinuation) = AsyncStream.makeStream()
        (gate, gateContinuation) = AsyncStream.makeStream()
    }

    func release() { gateContinuation.finish() }

    func verifySignatures(of block: Block) async throws(ValidationError) {
        try BlockValidator.verifySignatures(block)
    }

    func checkSanityAndSignatures(of block: Block, params: ChainParams) async throws(ValidationError) {
        let isFirst = first.withLock { first in
            defer { first = false }
            return first
        }
        if isFirst {
            startedContinuation.yield()
            for await _ in gate {}
        }
        try BlockValidator.checkSanity(block, params: params)
        try BlockValidator.verifySignatures(block)
    }
}

/// A copy of a block with a changed signature has the genuine block's hash;
/// arriving first, it must not take the genuine block's place.
@Suite(.timeLimit(.minutes(1)))
struct ChainTamperedCopyTests {
    let bob = PrivateKey.generate().publicKey.address

    /// The next block of `builder` with a transfer, and a copy with another signature.
    func genuineAndTampered(_ builder: ChainBuilder) throws -> (genuine: Block, tampered: Block) {
        let genuine = builder.makeBlock(transfers: [builder.transfer(to: bob, amount: ChainParams.coin)])
        var tampered = genuine
        let original = try #require(genuine.transactions[1].transfer)
        tampered.transactions[1] = .transfer(original.withSignature(Signature(bytes: [UInt8](repeating: 7, count: 64))!))
        try #require(tampered.hash == genuine.hash)
        return (genuine, tampered)
    }

    @Test func aTamperedOrphanDoesNotTakeTheGenuineOrphansSlot() async throws {
        var builder = ChainBuilder()
        try builder.mine(count: 1)
        let (genuine, tampered) = try genuineAndTampered(builder)
        let chain = try makeChain(builder)
        let refused = await chain.submit(tampered, origin: .peer(1))
        #expect(refused == .invalid(.rule(.merkleRootMismatch)))
        if case let .invalid(rejection) = refused { #expect(rejection.isPeerFault) }
        #expect(await chain.orphanCount == 0)
        #expect(await chain.submit(genuine, origin: .peer(2)) == .orphan)
        #expect(await chain.submit(builder.tip) == .connected(height: 1, disconnected: 0))
        #expect(await chain.tip.hash == genuine.hash)
    }

    @Test func aTamperedCopyInFlightLeavesTheSlotToTheGenuineBlock() async throws {
        let builder = ChainBuilder()
        let (genuine, tampered) = try genuineAndTampered(builder)
        let verifier = GatedVerifier()
        let chain = try ChainActor(params: builder.params, store: MemoryChainStore(), clock: FixedClock(),
                                   verifier: verifier)
        async let tamperedResult = chain.submit(tampered, origin: .peer(1))
        for await _ in verifier.started { break }  // the tampered copy is being verified
        async let genuineResult = chain.submit(genuine, origin: .peer(2))
        // Let the genuine copy reach the chain while the tampered one is in flight.
        for _ in 0..<100_000 {
            if await chain.waitingForInFlight(genuine.hash) > 0 { break }
            await Task.yield()
        }
        #expect(await chain.waitingForInFlight(genuine.hash) == 1)
        verifier.release()
        #expect(await tamperedResult == .invalid(.rule(.merkleRootMismatch)))
        #expect(await genuineResult == .connected(height: 1, disconnected: 0))
        #expect(await chain.tip.hash == genuine.hash)
    }

    @Test func aTamperedLowWorkCopyIsRefusedBeforeItWaits() async throws {
        var main = ChainBuilder()
        try main.mine(count: 3)
        let (genuine, tampered) = try genuineAndTampered(main.forked(at: 0, coinbaseData: [4]))
        let chain = try makeChain(main)
        _ = await chain.submitAll(main.blocks.dropFirst())
        #expect(await chain.submit(tampered) == .invalid(.rule(.merkleRootMismatch)))
        #expect(await chain.orphanCount == 0)
        #expect(await chain.submit(genuine) == .headerOnly(height: 1))
        #expect(await chain.orphanCount == 1, "the genuine body waits in memory")
    }

    @Test func anOrphansEventsCarryItsOrigin() async throws {
        var builder = ChainBuilder()
        try builder.mine(count: 2)
        let chain = try makeChain(builder)
        let events = chain.events.subscribe(bufferingPolicy: .unbounded)
        #expect(await chain.submit(builder.block(at: 2), origin: .peer(7)) == .orphan)
        #expect(await chain.submit(builder.block(at: 1), origin: .peer(8)) == .connected(height: 1, disconnected: 0))
        var origins: [UInt64: Origin] = [:]
        for await event in events {
            if case let .blockConnected(block, height, origin) = event { origins[height] = origin; _ = block }
            if origins.count == 2 { break }
        }
        #expect(origins == [1: .peer(8), 2: .peer(7)])
    }
}
