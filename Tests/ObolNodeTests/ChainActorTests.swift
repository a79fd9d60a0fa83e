import ObolCore
import ObolTestSupport
import Testing

@testable import ObolNode

struct FixedClock: NodeClock {
    var seconds: UInt64 = 2_000_000_000
    func now() -> UInt64 { seconds }
}

/// Collects a chain's events as they are published.
func makeChain(_ builder: ChainBuilder, store: any ChainStore = MemoryChainStore(),
               options: ChainOptions = .init()) throws -> ChainActor {
    try ChainActor(params: builder.params, store: store, clock: FixedClock(), options: options)
}

extension ChainActor {
    func submitAll(_ blocks: some Sequence<Block>) async -> [SubmitResult] {
        var out = [SubmitResult]()
        for b in blocks { out.append(await submit(b)) }
        return out
    }
}

@Suite(.timeLimit(.minutes(1))) struct ChainActorTests {
    let bob = PrivateKey.generate().publicKey.address

    @Test func connectsAValidChainAndTracksAccounts() async throws {
        var builder = ChainBuilder()
        builder.addTransfer(to: bob, amount: 7 * ChainParams.coin)
        try builder.mine(count: 5)
        let chain = try makeChain(builder)
        let results = await chain.submitAll(builder.blocks.dropFirst())
        #expect(results == (1...5).map { SubmitResult.connected(height: UInt64($0), disconnected: 0) })
        #expect(await chain.tip.hash == builder.tip.hash)
        #expect(await chain.account(bob) == builder.state[bob])
        #expect(await chain.account(ChainBuilder.allocationKey.publicKey.address)
            == builder.state[ChainBuilder.allocationKey.publicKey.address])
    }

    @Test func reportsDuplicates() async throws {
        var builder = ChainBuilder()
        try builder.mine(count: 1)
        let chain = try makeChain(builder)
        #expect(await chain.submit(builder.tip) == .connected(height: 1, disconnected: 0))
        #expect(await chain.submit(builder.tip) == .duplicate)
        #expect(await chain.submit(builder.genesis) == .duplicate)
    }

    @Test func holdsOrphansUntilTheirParentArrives() async throws {
        var builder = ChainBuilder()
        try builder.mine(count: 3)
        let chain = try makeChain(builder)
        #expect(await chain.submit(builder.block(at: 3)) == .orphan)
        #expect(await chain.submit(builder.block(at: 2)) == .orphan)
        #expect(await chain.orphanCount == 2)
        #expect(await chain.submit(builder.block(at: 1)) == .connected(height: 1, disconnected: 0))
        #expect(await chain.tip.hash == builder.tip.hash)
        #expect(await chain.orphanCount == 0)
    }

    @Test func keepsTheFirstSeenBranchOnEqualWork() async throws {
        var main = ChainBuilder()
        try main.mine(count: 2)
        var side = main.forked(at: 1, coinbaseData: [1])
        try side.mine(count: 1)
        let chain = try makeChain(main)
        _ = await chain.submitAll(main.blocks.dropFirst())
        #expect(await chain.submit(side.tip) == .sideBranch(height: 2))
        #expect(await chain.tip.hash == main.tip.hash)
    }

    @Test func reorganizesToTheBranchWithMoreWork() async throws {
        var main = ChainBuilder()
        main.addTransfer(to: bob, amount: 3 * ChainParams.coin)
        try main.mine(count: 3)
        var side = main.forked(at: 0, coinbaseData: [2])
        try side.mine(count: 5)
        let chain = try makeChain(main)
        let events = chain.events.subscribe(bufferingPolicy: .unbounded)
        _ = await chain.submitAll(main.blocks.dropFirst())
        let results = await chain.submitAll(side.blocks.dropFirst())
        // Side blocks with less work than the tip wait unvalidated; the one that
        // ties the tip's work gets them validated and stored.
        #expect(Array(results.prefix(3)) == [.headerOnly(height: 1), .headerOnly(height: 2), .sideBranch(height: 3)])
        #expect(results[3] == .connected(height: 4, disconnected: 3))
        #expect(results[4] == .connected(height: 5, disconnected: 0))
        #expect(await chain.tip.hash == side.tip.hash)
        #expect(await chain.account(bob) == Account())
        for address in [ChainBuilder.allocationKey.publicKey.address, main.minerAddress] {
            #expect(await chain.account(address) == side.state[address])
        }
        for h in 0...5 { #expect(await chain.mainChainHash(at: UInt64(h)) == side.block(at: UInt64(h)).hash) }
        // Listings follow the new best chain.
        #expect(await chain.outlines(from: 2, limit: 10) == (2...5).map { BlockOutline(side.block(at: UInt64($0))) })
        #expect(await chain.outlines(from: 0, limit: 2) == (0...1).map { BlockOutline(side.block(at: UInt64($0))) })
        #expect(await chain.outlines(from: 6, limit: 10).isEmpty)

        // Events: 3 connects, 3 side blocks accepted, then the reorg (3 disconnects newest first,
        // 4 connects), then one more.
        var kinds = [String]()
        for await event in events {
            switch event {
            case let .blockConnected(_, height, _): kinds.append("+\(height)")
            case let .blockDisconnected(_, height): kinds.append("-\(height)")
            case let .blockAccepted(_, height, _): kinds.append("~\(height)")
            case let .tipChanged(tip): kinds.append("tip\(tip.height)")
            }
            if kinds.last == "tip5" { break }
        }
        #expect(kinds == ["+1", "tip1", "+2", "tip2", "+3", "tip3", "~1", "~2", "~3",
                          "-3", "-2", "-1", "+1", "+2", "+3", "+4", "tip4", "+5", "tip5"])
    }

    @Test func marksABlockThatFailsToConnectAndItsDescendantsInvalid() async throws {
        var main = ChainBuilder()
        try main.mine(count: 3)
        var side = main.forked(at: 1, coinbaseData: [3])
        try side.mine(count: 2)  // heights 2, 3: equal work with main
        // Height 4: a transfer with a nonce the account has not reached passes
        // every stateless check and fails only when connected.
        let bad = side.transfer(to: bob, amount: 1, nonce: 5)
        let invalid = side.makeBlock(transfers: [bad])
        let chain = try makeChain(main)
        _ = await chain.submitAll(main.blocks.dropFirst())
        _ = await chain.submitAll(side.blocks.dropFirst(2))
        let result = await chain.submit(invalid)
        guard case .invalid(.rule(.badNonce)) = result else {
            Issue.record("expected bad-nonce, got \(result)")
            return
        }
        #expect(await chain.tip.hash == main.tip.hash)
        #expect(await chain.entry(invalid.hash)?.status == .invalid)
        #expect(await chain.account(main.minerAddress) == main.state[main.minerAddress])
        // A child of the invalid block is refused without validation.
        var child = side
        child.coinbaseData = [9]
        let orphanChild = ChainBuilder.remine(Block(
            header: BlockHeader(height: 5, previousHash: invalid.hash, merkleRoot: .zero,
                                timestamp: invalid.header.timestamp + 5, bits: invalid.header.bits),
            transactions: [.coinbase(child.coinbase(height: 5))]))
        #expect(await chain.submit(orphanChild) == .invalid(.invalidAncestor(invalid.hash)))
    }

    @Test func keepsTheValidPartOfABranchThatFailsLater() async throws {
        var main = ChainBuilder()
        try main.mine(count: 2)
        var side = main.forked(at: 1, coinbaseData: [4])
        try side.mine(count: 2)  // heights 2, 3: more work than main
        let invalid = side.makeBlock(transfers: [side.transfer(to: bob, amount: 1, nonce: 9)])
        let chain = try makeChain(main)
        _ = await chain.submitAll(main.blocks.dropFirst())
        _ = await chain.submit(side.block(at: 2))
        // Hold height 3 back, so the branch is tried only when the invalid block arrives.
        #expect(await chain.submit(invalid) == .orphan)
        let result = await chain.submit(side.block(at: 3))
        #expect(result == .connected(height: 3, disconnected: 1))
        #expect(await chain.tip.hash == side.tip.hash)
        #expect(await chain.entry(invalid.hash)?.status == .invalid)
    }

    @Test func rejectsBlocksThatBreakContextualRules() async throws {
        var builder = ChainBuilder()
        try builder.mine(count: 1)
        let chain = try makeChain(builder)
        var wrongHeight = builder.makeBlock()
        wrongHeight.header.height = 7
        wrongHeight = ChainBuilder.remine(wrongHeight)
        #expect(await chain.submit(builder.block(at: 1)) == .connected(height: 1, disconnected: 0))
        let result = await chain.submit(wrongHeight)
        #expect(result == .invalid(.rule(.unexpectedHeight(expected: 2, actual: 7))))
        #expect(await chain.tip.height == 1)
    }

    @Test func prunesSideBranchBodiesBehindTheThreshold() async throws {
        var main = ChainBuilder()
        try main.mine(count: 2)
        var side = main.forked(at: 1, coinbaseData: [5])
        try side.mine(count: 1)
        try main.mine(count: 4)
        let store = MemoryChainStore()
        let chain = try makeChain(main, store: store, options: ChainOptions(pruneDepth: 2))
        _ = await chain.submitAll(main.blocks.dropFirst().prefix(2))
        #expect(await chain.submit(side.tip) == .sideBranch(height: 2))
        try await chain.flush()
        #expect(try store.block(side.tip.hash) != nil)
        _ = await chain.submitAll(main.blocks.dropFirst(3))
        #expect(await chain.entry(side.tip.hash)?.hasBody == false)
        #expect(await chain.block(side.tip.hash) == nil, "the queued prune hides the body at once")
        try await chain.flush()
        #expect(try store.block(side.tip.hash) == nil)
        #expect(await chain.block(main.tip.hash) != nil)
    }

    @Test func servesLocatorsAndHeaders() async throws {
        var builder = ChainBuilder()
        try builder.mine(count: 30)
        let chain = try makeChain(builder)
        _ = await chain.submitAll(builder.blocks.dropFirst())
        let locator = await chain.locator()
        #expect(locator.first == builder.tip.hash)
        #expect(locator.last == builder.genesis.hash)
        #expect(locator.count < 30)
        let headers = await chain.headers(after: [builder.block(at: 10).hash], limit: 5)
        #expect(headers.map(\.height) == [11, 12, 13, 14, 15])
        #expect(await chain.headers(after: [builder.tip.hash], limit: 5).isEmpty)
        // A peer's limit is untrusted: the largest one is capped by the chain, not an overflow.
        let all = await chain.headers(after: [builder.block(at: 10).hash], limit: .max)
        #expect(all.map(\.height) == Array(11...builder.tip.height))
        #expect(await chain.headers(after: [builder.block(at: 10).hash], limit: .min).isEmpty)
    }
}
