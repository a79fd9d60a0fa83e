import ObolCore
import ObolTestSupport
import Testing

@testable import ObolNode

/// Transaction and history look-ups see a block as soon as it is on the best
/// chain, also while its tip move is merged in `ChainActor` or queued in the
/// writer and the store's indexes do not have it yet, and never see a block
/// that left the best chain.
@Suite(.timeLimit(.minutes(1))) struct ChainLookupTests {
    let bob = PrivateKey.generate().publicKey.address
    /// Tip moves stay merged in the actor for the whole test unless flushed.
    let holdTipMoves = ChainOptions(commitBatch: 1_000, commitDelay: .seconds(3_600))

    func builderWithPayment() throws -> (ChainBuilder, Transfer) {
        var builder = ChainBuilder()
        builder.addTransfer(to: bob, amount: 3 * ChainParams.coin)
        try builder.mine(count: 3)
        let payment = try #require(builder.block(at: 1).transactions[1].transfer)
        return (builder, payment)
    }

    @Test func aTransactionWhoseTipMoveIsStillMergedIsFoundInMemory() async throws {
        let (builder, payment) = try builderWithPayment()
        let store = MemoryChainStore()
        let chain = try makeChain(builder, store: store, options: holdTipMoves)
        _ = await chain.submitAll(builder.blocks.dropFirst())
        #expect(try store.location(ofTransaction: payment.id) == nil, "the store's index must not have it yet")

        let expected = TransactionLocation(txid: payment.id, blockHash: builder.block(at: 1).hash, height: 1, index: 1)
        let found = try #require(await chain.transaction(payment.id))
        #expect(found.0 == .transfer(payment))
        #expect(found.1 == expected)
        #expect(await chain.history(of: bob, limit: 10).map(\.1) == [expected])

        try await chain.flush()
        #expect(try store.location(ofTransaction: payment.id) == expected)
        #expect(await chain.transaction(payment.id)?.1 == expected)
        #expect(await chain.history(of: bob, limit: 10).map(\.1) == [expected], "listed once, from the store")
    }

    @Test func aTransactionWhoseTipMoveWaitsInTheWriterIsFound() async throws {
        let (builder, payment) = try builderWithPayment()
        let store = ControlledStore()
        let chain = try makeChain(builder, store: store, options: ChainOptions(commitBatch: 1))
        store.gate.close()
        _ = await chain.submitAll(builder.blocks.dropFirst())
        #expect(try store.location(ofTransaction: payment.id) == nil)
        #expect(await chain.transaction(payment.id)?.1.height == 1)
        // The miner's coinbases, newest first, all from the writer's queue.
        #expect(await chain.history(of: builder.minerAddress, limit: 2).map(\.1.height) == [3, 2])
        store.gate.open()
        try await chain.flush()
        #expect(await chain.transaction(payment.id)?.1.height == 1)
        #expect(await chain.history(of: builder.minerAddress, limit: 10).map(\.1.height) == [3, 2, 1])
    }

    @Test func aTransactionOfABlockThatLeftTheBestChainIsNotFound() async throws {
        let (main, payment) = try builderWithPayment()
        var side = main.forked(at: 0, coinbaseData: [2])
        try side.mine(count: 5)
        let store = ControlledStore()
        let chain = try makeChain(main, store: store, options: holdTipMoves)
        store.gate.close()  // nothing reaches the store: every answer comes from memory
        _ = await chain.submitAll(main.blocks.dropFirst())
        #expect(await chain.transaction(payment.id) != nil)
        _ = await chain.submitAll(side.blocks.dropFirst())
        #expect(await chain.tip.hash == side.tip.hash)
        #expect(await chain.transaction(payment.id) == nil)
        #expect(await chain.history(of: bob, limit: 10).isEmpty)
        #expect(await chain.history(of: side.minerAddress, limit: 10).map(\.1.blockHash)
            == (1...5).reversed().map { side.block(at: UInt64($0)).hash })
        store.gate.open()
        try await chain.flush()
        #expect(await chain.transaction(payment.id) == nil)
        #expect(await chain.history(of: bob, limit: 10).isEmpty)
    }

    /// The store still indexes the old branch while the reorganization's
    /// tip move waits in the writer: its entries are not reported.
    @Test func aStoredTransactionOfABlockThatAQueuedReorgRemovedIsNotFound() async throws {
        let (main, payment) = try builderWithPayment()
        var side = main.forked(at: 0, coinbaseData: [2])
        try side.mine(count: 5)
        let store = ControlledStore()
        let chain = try makeChain(main, store: store)
        _ = await chain.submitAll(main.blocks.dropFirst())
        try await chain.flush()
        #expect(try store.location(ofTransaction: payment.id)?.height == 1, "the old branch is in the store")
        store.gate.close()
        _ = await chain.submitAll(side.blocks.dropFirst())
        #expect(await chain.tip.hash == side.tip.hash)
        #expect(try store.location(ofTransaction: payment.id)?.height == 1, "the reorg is not written yet")
        #expect(await chain.transaction(payment.id) == nil)
        #expect(await chain.history(of: bob, limit: 10).isEmpty)
        #expect(await chain.history(of: side.minerAddress, limit: 3).map(\.1.height) == [5, 4, 3])
        store.gate.open()
        try await chain.flush()
        #expect(try store.location(ofTransaction: payment.id) == nil)
        #expect(await chain.transaction(payment.id) == nil)
        #expect(await chain.history(of: side.minerAddress, limit: 10).map(\.1.height) == [5, 4, 3, 2, 1])
    }
}
