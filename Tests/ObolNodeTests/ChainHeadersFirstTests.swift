import ObolCore
import ObolTestSupport
import Synchronization
import Testing

@testable import ObolNode

/// Records every block it is asked to validate, then validates it.
final class CountingVerifier: BlockSignatureVerifier {
    private let seen = Mutex<[Hash256]>([])
    var validated: [Hash256] { seen.withLock { $0 } }

    func verifySignatures(of block: Block) async throws(ValidationError) {
        try BlockValidator.verifySignatures(block)
    }

    func checkSanityAndSignatures(of block: Block, params: ChainParams) async throws(ValidationError) {
        seen.withLock { $0.append(block.hash) }
        try BlockValidator.checkSanity(block, params: params)
        try BlockValidator.verifySignatures(block)
    }
}

/// A chain over `builder`'s network with a counting verifier and a memory store.
func makeCountedChain(_ params: ChainParams, store: any ChainStore = MemoryChainStore(),
                      options: ChainOptions = .init()) throws -> (ChainActor, CountingVerifier) {
    let verifier = CountingVerifier()
    let chain = try ChainActor(params: params, store: store, clock: FixedClock(), verifier: verifier, options: options)
    return (chain, verifier)
}

/// Headers first: headers without bodies, which bodies to fetch, and the
/// anti-DoS gates on validating and storing bodies.
@Suite(.timeLimit(.minutes(1)))
struct ChainHeadersFirstTests {
    @Test func acceptsHeadersWithoutBodiesAndListsTheBodiesToFetch() async throws {
        var builder = ChainBuilder()
        try builder.mine(count: 5)
        let (chain, verifier) = try makeCountedChain(builder.params)
        let result = await chain.submitHeaders(builder.blocks.dropFirst().map(\.header), origin: .peer(1))
        #expect(result == HeaderSubmitResult(accepted: 5, added: 5))
        #expect(await chain.tip.hash == builder.genesis.hash)
        #expect(await chain.bestHeader.hash == builder.tip.hash)
        #expect(await chain.entry(builder.tip.hash)?.status == .headerValid)
        #expect(await chain.blocksToFetch(window: 3) == (1...3).map { builder.block(at: $0).hash })
        #expect(verifier.validated.isEmpty)
        // Bodies in any order: they wait for their parents, then connect.
        #expect(await chain.submit(builder.block(at: 2)) == .orphan)
        #expect(await chain.blocksToFetch(window: 2) == [builder.block(at: 1).hash, builder.block(at: 3).hash])
        #expect(await chain.submit(builder.block(at: 1)) == .connected(height: 1, disconnected: 0))
        #expect(await chain.tip.hash == builder.block(at: 2).hash)
        _ = await chain.submitAll(builder.blocks[3...])
        #expect(await chain.tip.hash == builder.tip.hash)
        #expect(await chain.blocksToFetch(window: 10).isEmpty)
    }

    @Test func downloadCandidatesStayWithinTheWindowAndTheLimitAndSkipWhatIsAtHand() async throws {
        var builder = ChainBuilder()
        try builder.mine(count: 10)
        let (chain, _) = try makeCountedChain(builder.params)
        _ = await chain.submitHeaders(builder.blocks.dropFirst().map(\.header), origin: .peer(1))
        let hashes = { (heights: [UInt64]) in heights.map { builder.block(at: $0).hash } }
        #expect(await chain.downloadCandidates(window: 5).map(\.hash) == hashes([1, 2, 3, 4, 5]))
        #expect(await chain.downloadCandidates(window: 5, limit: 2).map(\.hash) == hashes([1, 2]))
        // Already requested: left out.
        #expect(await chain.downloadCandidates(window: 5, limit: 2, excluding: [builder.block(at: 1).hash])
            .map(\.hash) == hashes([2, 3]))
        // A body waiting in memory is left out, and the window counts heights above the tip, not
        // missing bodies: block 6 stays out of a window of 5.
        #expect(await chain.submit(builder.block(at: 3)) == .orphan)
        #expect(await chain.downloadCandidates(window: 5).map(\.hash) == hashes([1, 2, 4, 5]))
        #expect(await chain.submit(builder.block(at: 1)) == .connected(height: 1, disconnected: 0))
        #expect(await chain.downloadCandidates(window: 5).map(\.hash) == hashes([2, 4, 5, 6]))
    }

    @Test func resubmittedHeadersAreAcceptedButNotAddedAgain() async throws {
        var builder = ChainBuilder()
        try builder.mine(count: 2)
        let chain = try makeChain(builder)
        let headers = builder.blocks.dropFirst().map(\.header)
        _ = await chain.submitHeaders(headers)
        #expect(await chain.submitHeaders(headers) == HeaderSubmitResult(accepted: 2, added: 0))
    }

    @Test func aHeaderThatBreaksARuleIsTheSendersFault() async throws {
        var builder = ChainBuilder()
        try builder.mine(count: 2)
        var bad = builder.makeBlock().header
        bad.bits = CompactTarget(bits: 0x1f00_ffff)
        bad = ChainBuilder.mine(bad)
        let chain = try makeChain(builder)
        let result = await chain.submitHeaders(builder.blocks.dropFirst().map(\.header) + [bad])
        #expect(result.accepted == 2)
        #expect(result.rejection == .rule(.unexpectedTarget(expected: builder.nextBits, actual: bad.bits)))
        #expect(result.isPeerFault)
    }

    @Test func aBatchWhoseHeadersDoNotFollowEachOtherIsTheSendersFault() async throws {
        var builder = ChainBuilder()
        try builder.mine(count: 3)
        let chain = try makeChain(builder)
        let result = await chain.submitHeaders([builder.block(at: 1).header, builder.block(at: 3).header])
        #expect(result.accepted == 1 && result.rejection == .nonContinuousHeaders)
        #expect(result.isPeerFault)
    }

    @Test func honestRacesAreNotTheSendersFault() async throws {
        var builder = ChainBuilder()
        try builder.mine(count: 2)
        let chain = try makeChain(builder)
        // A parent we do not know yet.
        let gap = await chain.submitHeaders([builder.tip.header])
        #expect(gap.accepted == 0 && gap.rejection == .unknownParent(builder.block(at: 1).hash))
        #expect(!gap.isPeerFault)
        // A timestamp a little too far ahead of our clock.
        var future = ChainBuilder()
        try future.mine(timestamp: FixedClock().seconds + 3_600)
        let ahead = await chain.submitHeaders([future.tip.header])
        guard case .rule(.timestampTooFarInFuture)? = ahead.rejection else {
            Issue.record("expected a future timestamp, got \(String(describing: ahead.rejection))")
            return
        }
        #expect(!ahead.isPeerFault)
    }

    @Test func headersPersistAcrossARestart() async throws {
        var builder = ChainBuilder()
        try builder.mine(count: 4)
        let store = MemoryChainStore()
        let first = try makeChain(builder, store: store)
        _ = await first.submit(builder.block(at: 1))
        _ = await first.submitHeaders(builder.blocks[2...].map(\.header))
        try await first.flush()
        let reopened = try makeChain(builder, store: store)
        #expect(await reopened.tip.hash == builder.block(at: 1).hash)
        #expect(await reopened.bestHeader.hash == builder.tip.hash)
        #expect(await reopened.blocksToFetch(window: 10) == (2...4).map { builder.block(at: $0).hash })
    }

    @Test func aLowWorkForkIsNeitherVerifiedNorStored() async throws {
        var main = ChainBuilder()
        try main.mine(count: 8)
        var fork = main.forked(at: 0, coinbaseData: [9])
        try fork.mine(count: 5)
        let store = MemoryChainStore()
        let (chain, verifier) = try makeCountedChain(main.params, store: store)
        _ = await chain.submitAll(main.blocks.dropFirst())
        let results = await chain.submitAll(fork.blocks.dropFirst())
        #expect(results == (1...5).map { SubmitResult.headerOnly(height: UInt64($0)) })
        try await chain.flush()
        let forkHashes = Set(fork.blocks.dropFirst().map(\.hash))
        #expect(verifier.validated.allSatisfy { !forkHashes.contains($0) })
        for hash in forkHashes {
            #expect(try store.block(hash) == nil)
            #expect(await chain.entry(hash)?.status == .headerValid, "the header is kept")
        }
        #expect(await chain.tip.hash == main.tip.hash)
    }

    @Test func aPrunedLowWorkBodySentAgainIsNotVerified() async throws {
        var main = ChainBuilder()
        try main.mine(count: 1)
        var side = main.forked(at: 1, coinbaseData: [6])
        try side.mine(count: 1)
        try main.mine(count: 4)
        let (chain, verifier) = try makeCountedChain(main.params, options: ChainOptions(pruneDepth: 2))
        _ = await chain.submitAll(main.blocks[1...2])
        #expect(await chain.submit(side.tip) == .sideBranch(height: 2))
        _ = await chain.submitAll(main.blocks.dropFirst(3))
        #expect(await chain.entry(side.tip.hash)?.hasBody == false)
        let checked = verifier.validated.count
        #expect(await chain.submit(side.tip) == .headerOnly(height: 2))
        #expect(verifier.validated.count == checked)
    }

    @Test func bodiesWaitUntilTheHeaderChainReachesMinimumChainWork() async throws {
        var params = ChainParams.test
        var builder = ChainBuilder(params: params)
        try builder.mine(count: 6)
        params.minimumChainWork = builder.chainWork(at: 5)
        let (chain, verifier) = try makeCountedChain(params)
        _ = await chain.submitHeaders(builder.blocks[1...3].map(\.header))
        #expect(await chain.blocksToFetch(window: 10).isEmpty)
        #expect(await chain.submit(builder.block(at: 1)) == .headerOnly(height: 1))
        #expect(verifier.validated.isEmpty)
        #expect(await chain.tip.hash == builder.genesis.hash)
        // Enough headers: the waiting body is validated, the rest are to fetch.
        _ = await chain.submitHeaders(builder.blocks[4...].map(\.header))
        #expect(await chain.tip.hash == builder.block(at: 1).hash)
        #expect(await chain.blocksToFetch(window: 10) == (2...6).map { builder.block(at: $0).hash })
    }

    @Test func refusesHeadersForkingBelowTheBoundWithoutMoreWork() async throws {
        var main = ChainBuilder()
        try main.mine(count: 8)
        var fork = main.forked(at: 2, coinbaseData: [7])
        try fork.mine(count: 3)
        let chain = try makeChain(main, options: ChainOptions(maxForkDepth: 4))
        _ = await chain.submitAll(main.blocks.dropFirst())
        let result = await chain.submitHeaders(fork.blocks[3...].map(\.header))
        #expect(result.accepted == 0)
        #expect(result.rejection == .forkTooDeep(forkBelow: 4))
        #expect(!result.isPeerFault)
        // The same fork with more work than the tip is taken.
        try fork.mine(count: 4)  // height 9
        let heavier = await chain.submitHeaders(fork.blocks[3...].map(\.header))
        #expect(heavier == HeaderSubmitResult(accepted: 7, added: 7))
        #expect(await chain.bestHeader.hash == fork.tip.hash)
    }

    @Test func boundsHeaderOnlyEntriesOffTheBestHeaderChain() async throws {
        var main = ChainBuilder()
        try main.mine(count: 6)
        var fork = main.forked(at: 2, coinbaseData: [9])
        try fork.mine(count: 3)  // height 5: less work than the tip
        let chain = try makeChain(main, options: ChainOptions(maxSideHeaders: 2))
        _ = await chain.submitAll(main.blocks.dropFirst().prefix(5))  // tip at 5
        let side = await chain.submitHeaders(fork.blocks[3...].map(\.header))
        #expect(side.accepted == 2)
        #expect(side.rejection == .tooManySideHeaders)
        #expect(!side.isPeerFault)
        // A header that becomes the best header is still taken.
        #expect(await chain.submitHeaders([main.tip.header]) == HeaderSubmitResult(accepted: 1, added: 1))
        #expect(await chain.bestHeader.hash == main.tip.hash)
    }

    @Test func forgetsBranchesThatCanNeverWinInTheTreeAndTheStore() async throws {
        var main = ChainBuilder()
        try main.mine(count: 2)
        var fork = main.forked(at: 1, coinbaseData: [8])
        try fork.mine(count: 1)
        let store = MemoryChainStore()
        let chain = try makeChain(main, store: store, options: ChainOptions(maxForkDepth: 4))
        _ = await chain.submitAll(main.blocks.dropFirst())
        #expect(await chain.submitHeaders([fork.tip.header]).added == 1)
        try main.mine(count: 20)
        _ = await chain.submitAll(main.blocks[3...])
        try await chain.flush()
        #expect(await chain.entry(fork.tip.hash) == nil)
        #expect(try store.load()?.entries.contains { $0.hash == fork.tip.hash } == false)
    }
}
