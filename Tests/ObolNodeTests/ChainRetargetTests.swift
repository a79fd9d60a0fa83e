import ObolCore
import ObolTestSupport
import Testing

@testable import ObolNode

/// The bits the node expects (`BlockTree.context(forChildOf:now:params:)`) at
/// retarget heights, on the best chain and on a side branch, checked against
/// the pure `Retarget` rule. The `test` preset retargets every 10 blocks
/// aiming at 5 s a block.
@Suite(.timeLimit(.minutes(1))) struct ChainRetargetTests {
    let params = ChainParams.test
    /// Seconds between blocks 1...9 of the main chain: 20 s where 45 s are
    /// expected, so block 10 must be harder.
    static let mainFirstWindow: [UInt64] = [1, 3, 2, 1, 4, 2, 3, 1, 3]
    /// Blocks 10...19 of the main chain: 30 s where 50 s are expected.
    static let mainSecondWindow: [UInt64] = [2, 5, 1, 3, 4, 2, 6, 1, 3, 3]
    /// Blocks 6...9 of a side branch forking at 5: its first window takes 30 s.
    static let sideFirstWindow: [UInt64] = [4, 6, 5, 4]
    /// Blocks 10...19 of that side branch: 35 s.
    static let sideSecondWindow: [UInt64] = [2, 6, 3, 5, 1, 4, 3, 5, 2, 4]

    func mine(_ builder: inout ChainBuilder, gaps: some Sequence<UInt64>) throws {
        for gap in gaps { try builder.mine(timestamp: builder.tip.header.timestamp + gap) }
    }

    /// `Retarget.nextBits` for the builder's next block, with the window
    /// opened by the builder's block at `windowStart`.
    func retargeted(after builder: ChainBuilder, windowStart: Block) -> CompactTarget {
        Retarget.nextBits(height: builder.nextHeight, parentBits: builder.tip.header.bits,
                          parentTimestamp: builder.tip.header.timestamp,
                          windowStartTimestamp: windowStart.header.timestamp, params: params)
    }

    /// The builder's next block at `gap` seconds, first with `wrongBits`
    /// (refused), then with the bits it must carry (`expected`, accepted as
    /// `accepted`); appends it to the builder.
    func submitRetarget(_ chain: ChainActor, _ builder: inout ChainBuilder, gap: UInt64, expected: CompactTarget,
                        wrongBits: CompactTarget, accepted: SubmitResult,
                        sourceLocation: SourceLocation = #_sourceLocation) async throws {
        let timestamp = builder.tip.header.timestamp + gap
        let wrong = builder.assemble([.coinbase(builder.coinbase())], timestamp: timestamp, bits: wrongBits)
        #expect(await chain.submit(wrong) == .invalid(.rule(.unexpectedTarget(expected: expected, actual: wrongBits))),
                sourceLocation: sourceLocation)
        let block = builder.makeBlock(timestamp: timestamp)
        #expect(block.header.bits == expected, "the builder agrees with Retarget", sourceLocation: sourceLocation)
        try builder.append(block)
        #expect(await chain.submit(block) == accepted, sourceLocation: sourceLocation)
    }

    @Test func requiresTheRetargetedBitsAtEveryRetargetHeightOfTheBestChain() async throws {
        var builder = ChainBuilder()
        try mine(&builder, gaps: Self.mainFirstWindow)
        let chain = try makeChain(builder)
        for result in await chain.submitAll(builder.blocks.dropFirst()) {
            guard case .connected = result else { Issue.record("\(result)"); return }
        }

        // Height 10: the window opens at genesis.
        let bits10 = retargeted(after: builder, windowStart: builder.genesis)
        #expect(bits10 != params.initialBits)
        #expect(await chain.miningContext().bits == bits10)
        try await submitRetarget(chain, &builder, gap: Self.mainSecondWindow[0], expected: bits10,
                                 wrongBits: params.initialBits, accepted: .connected(height: 10, disconnected: 0))

        // Between retargets the parent's bits carry over.
        for gap in Self.mainSecondWindow.dropFirst() {
            let block = builder.makeBlock(timestamp: builder.tip.header.timestamp + gap)
            #expect(block.header.bits == bits10)
            try builder.append(block)
            #expect(await chain.submit(block) == .connected(height: block.height, disconnected: 0))
        }

        // Height 20: the window opens at block 9, which closed the previous one.
        let bits20 = retargeted(after: builder, windowStart: builder.block(at: 9))
        let fromBlock10 = retargeted(after: builder, windowStart: builder.block(at: 10))
        try #require(Set([bits10, bits20, fromBlock10]).count == 3, "the test must tell the windows apart")
        #expect(await chain.miningContext().bits == bits20)
        // A window opened one block late (at block 10) is caught too.
        let misdated = builder.assemble([.coinbase(builder.coinbase())], timestamp: builder.tip.header.timestamp + 4,
                                        bits: fromBlock10)
        #expect(await chain.submit(misdated) == .invalid(.rule(.unexpectedTarget(expected: bits20, actual: fromBlock10))))
        try await submitRetarget(chain, &builder, gap: 4, expected: bits20, wrongBits: bits10,
                                 accepted: .connected(height: 20, disconnected: 0))
        #expect(await chain.tip.hash == builder.tip.hash)
    }

    @Test func checksASideBranchAgainstItsOwnAncestorsNotTheBestChains() async throws {
        var main = ChainBuilder()
        try mine(&main, gaps: Self.mainFirstWindow)
        var side = main.forked(at: 5, coinbaseData: [5])
        try mine(&main, gaps: Self.mainSecondWindow)
        let chain = try makeChain(main)
        _ = await chain.submitAll(main.blocks.dropFirst())
        #expect(await chain.tip.hash == main.tip.hash)

        try mine(&side, gaps: Self.sideFirstWindow)
        for block in side.blocks[6...9] {
            #expect(await chain.submit(block) == .headerOnly(height: block.height))
        }
        // Height 10 on the side branch: its own block 9 closes the window,
        // not the best chain's, whose bits are wrong here.
        let side10 = retargeted(after: side, windowStart: side.genesis)
        let main10 = main.block(at: 10).header.bits
        try #require(side10 != main10 && side10 != params.initialBits)
        try await submitRetarget(chain, &side, gap: Self.sideSecondWindow[0], expected: side10, wrongBits: main10,
                                 accepted: .headerOnly(height: 10))
        try mine(&side, gaps: Self.sideSecondWindow.dropFirst())
        for block in side.blocks[11...19] {
            #expect(await chain.submit(block) == .headerOnly(height: block.height))
        }

        // Height 20: the window opens at the side branch's block 9. The best
        // chain's block at that height (after the fork) would give other bits.
        let side20 = retargeted(after: side, windowStart: side.block(at: 9))
        let fromMainAncestor = retargeted(after: side, windowStart: main.block(at: 9))
        try #require(Set([side10, side20, fromMainAncestor]).count == 3, "the test must tell the ancestors apart")
        try await submitRetarget(chain, &side, gap: 3, expected: side20, wrongBits: fromMainAncestor,
                                 accepted: .headerOnly(height: 20))
        #expect(await chain.tip.hash == main.tip.hash, "the side branch has less work")
        // Less work than the tip: the headers are checked and kept, the bodies are not validated.
        #expect(await chain.entry(side.tip.hash)?.status == .headerValid)
    }
}
