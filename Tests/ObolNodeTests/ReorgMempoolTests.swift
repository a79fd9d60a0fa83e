import ObolCore
import ObolTestSupport
import Testing

@testable import ObolNode

/// The chain and the mempool together: what a reorg does to pending transfers.
@Suite(.timeLimit(.minutes(1))) struct ReorgMempoolTests {
    let bob = PrivateKey.generate().publicKey.address

    /// Feeds the mempool every chain event published so far.
    func drain(_ events: inout AsyncStream<ChainEvent>.Iterator, into mempool: MempoolActor, until tip: Hash256) async {
        while let event = await events.next() {
            await mempool.handle(event)
            if case let .tipChanged(t) = event, t.hash == tip { return }
        }
    }

    @Test func returnsTransfersOfAnAbandonedBranchToTheMempool() async throws {
        var main = ChainBuilder()
        try main.mine(count: 1)
        var fork = main  // common ancestor at height 1
        fork.coinbaseData = [7]
        let kept = main.addTransfer(to: bob, amount: 2 * ChainParams.coin)
        let lost = main.addTransfer(to: bob, amount: 3 * ChainParams.coin)
        try main.mine()  // height 2 carries both
        // The heavier branch confirms only `kept`.
        try fork.mine(transfers: [kept])
        try fork.mine(count: 2)

        let chain = try makeChain(main)
        let mempool = MempoolActor(params: main.params, accounts: chain, clock: FixedClock())
        var events = chain.events.subscribe(bufferingPolicy: .unbounded).makeAsyncIterator()
        _ = await chain.submitAll(main.blocks.dropFirst())
        await drain(&events, into: mempool, until: main.tip.hash)
        #expect(await mempool.count == 0)

        _ = await chain.submitAll(fork.blocks.dropFirst(2))
        await drain(&events, into: mempool, until: fork.tip.hash)
        #expect(await chain.tip.hash == fork.tip.hash)
        #expect(await mempool.transfer(lost.id) != nil, "the abandoned branch's transfer is pending again")
        #expect(await mempool.transfer(kept.id) == nil, "a transfer the new branch confirmed is not pending")
        #expect(await mempool.count == 1)
        // And it still fits the new tip: a block template carries it.
        #expect(await mempool.template(maxCount: 10, maxBytes: 100_000).map(\.id) == [lost.id])
    }

    @Test func dropsTransfersThatTheNewBranchMakesInvalid() async throws {
        var main = ChainBuilder()
        try main.mine(count: 1)
        var fork = main
        fork.coinbaseData = [8]
        let spent = main.addTransfer(to: bob, amount: 4 * ChainParams.coin)
        try main.mine()
        // The heavier branch spends the same nonce differently.
        let conflicting = fork.transfer(to: bob, amount: 5 * ChainParams.coin, nonce: spent.nonce)
        try fork.mine(transfers: [conflicting])
        try fork.mine(count: 1)

        let chain = try makeChain(main)
        let mempool = MempoolActor(params: main.params, accounts: chain, clock: FixedClock())
        var events = chain.events.subscribe(bufferingPolicy: .unbounded).makeAsyncIterator()
        _ = await chain.submitAll(main.blocks.dropFirst())
        await drain(&events, into: mempool, until: main.tip.hash)
        _ = await chain.submitAll(fork.blocks.dropFirst(2))
        await drain(&events, into: mempool, until: fork.tip.hash)
        #expect(await mempool.transfer(spent.id) == nil)
        #expect(await mempool.count == 0)
    }
}
