import Foundation
import ObolCore
import ObolStore
import ObolTestSupport
import Testing

@testable import ObolNode

/// Coinbase maturity through `ChainActor`: blocks that spend newly mined
/// coins are refused, also after a restart from disk (the locks are stored),
/// and a reorg leaves exactly the locks of the new branch.
@Suite(.timeLimit(.minutes(1))) struct ChainMaturityTests {
    let miner = ChainBuilder.minerKey
    let bob = ChainBuilder.testAddress(2)

    /// Maturity 3; block 1 pays `miner`, blocks 2 and 3 pay someone else.
    func builder() throws -> ChainBuilder {
        var builder = ChainBuilder(coinbaseMaturity: 3)
        try builder.mine(transfers: [], miner: miner.publicKey.address)
        try builder.mine(untilNextHeight: 4 - 1)
        return builder
    }

    @Test func aBlockSpendingImmatureCoinsIsRefusedAlsoAfterARestart() async throws {
        var builder = try builder()
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("obol-maturity-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let spend = builder.transfer(from: miner, to: bob, amount: builder.params.reward(at: 1) - builder.params.minimumFee)
        let early = builder.makeBlock(transfers: [spend], miner: bob)
        let expected = SubmitResult.invalid(.rule(.immatureCoinbaseSpend(
            spend.id, spendable: 0, needed: builder.params.reward(at: 1), spendableFrom: 4)))

        let first = try SQLiteChainStore(dataDirectory: dir)
        let chain = try makeChain(builder, store: first)
        _ = await chain.submitAll(builder.blocks.dropFirst())
        #expect(await chain.submit(early) == expected)
        try await chain.flush()
        try first.close()

        let reopened = try makeChain(builder, store: try SQLiteChainStore(dataDirectory: dir))
        #expect(await reopened.account(miner.publicKey.address) == builder.state[miner.publicKey.address])
        #expect(await reopened.account(miner.publicKey.address).locks.count == 1)
        // A different block with the same spend: the first one is remembered as invalid by hash.
        #expect(await reopened.submit(builder.makeBlock(transfers: [spend], miner: ChainBuilder.testAddress(3)))
            == expected)
        try builder.mine(untilNextHeight: 4)
        _ = await reopened.submit(builder.tip)
        let mature = builder.makeBlock(transfers: [spend], miner: bob)
        #expect(await reopened.submit(mature) == .connected(height: 4, disconnected: 0))
    }

    @Test func aReorgLeavesExactlyTheLocksOfTheNewBranch() async throws {
        let main = try builder()
        var fork = main.forked(at: 0, coinbaseData: [1])
        try fork.mine(count: 4)  // pays ChainBuilder's default miner, which is `miner`
        let chain = try makeChain(main)
        _ = await chain.submitAll(main.blocks.dropFirst())
        #expect(await chain.account(miner.publicKey.address) == main.state[miner.publicKey.address])
        let results = await chain.submitAll(fork.blocks.dropFirst())
        #expect(results.contains(.connected(height: 3, disconnected: 2)))
        #expect(results.last == .connected(height: 4, disconnected: 0))
        for address in Set(main.state.accounts.keys).union(fork.state.accounts.keys) {
            #expect(await chain.account(address) == fork.state[address])
        }
        #expect(fork.state[miner.publicKey.address].locks.map(\.height) == [2, 3, 4])
    }
}
