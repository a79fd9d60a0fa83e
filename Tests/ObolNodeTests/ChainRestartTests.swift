import Foundation
import ObolCore
import ObolStore
import ObolTestSupport
import Testing

@testable import ObolNode

/// A chain on disk survives a restart, including blocks stored but not yet
/// written as the tip.
@Suite(.timeLimit(.minutes(1))) struct ChainRestartTests {
    let bob = PrivateKey.generate().publicKey.address

    func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("obol-restart-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    @Test func restartFromDiskGivesTheSameTipAndState() async throws {
        var builder = ChainBuilder()
        builder.addTransfer(to: bob, amount: 9 * ChainParams.coin)
        try builder.mine(count: 12)
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }

        let first = try SQLiteChainStore(dataDirectory: dir)
        let chain = try makeChain(builder, store: first)
        _ = await chain.submitAll(builder.blocks.dropFirst())
        try await chain.flush()
        try first.close()

        let reopened = try makeChain(builder, store: try SQLiteChainStore(dataDirectory: dir))
        #expect(await reopened.tip.hash == builder.tip.hash)
        #expect(await reopened.tip.chainWork == (await chain.tip.chainWork))
        #expect(await reopened.account(bob) == builder.state[bob])
        #expect(await reopened.account(builder.minerAddress) == builder.state[builder.minerAddress])
        let (tx, location) = try #require(await reopened.history(of: bob, limit: 5).first)
        #expect(location.height == 1)
        #expect(tx.transfer?.recipient == bob)
    }

    @Test func batchesTipWritesUntilFlushed() async throws {
        var builder = ChainBuilder()
        try builder.mine(count: 5)
        let store = MemoryChainStore()
        let chain = try makeChain(builder, store: store,
                                  options: ChainOptions(commitBatch: 1_000, commitDelay: .seconds(3_600)))
        _ = await chain.submitAll(builder.blocks.dropFirst())
        #expect(await chain.tip.hash == builder.tip.hash)
        #expect(try store.load()?.tip == builder.genesis.hash, "nothing written as the tip yet")
        try await chain.flush()
        #expect(try store.load()?.tip == builder.tip.hash)
    }

    @Test func resumesStoredBlocksThatWereNotWrittenAsTheTip() async throws {
        var builder = ChainBuilder()
        builder.addTransfer(to: bob, amount: 4 * ChainParams.coin)
        try builder.mine(count: 8)
        let store = MemoryChainStore()
        let crashed = try makeChain(builder, store: store,
                                    options: ChainOptions(commitBatch: 1_000, commitDelay: .seconds(3_600)))
        _ = await crashed.submitAll(builder.blocks.dropFirst())
        try await crashed.drainWriter()
        // The process "dies" here: the store has every block, but the tip it holds is genesis.

        let restarted = try makeChain(builder, store: store)
        #expect(await restarted.tip.hash == builder.genesis.hash)
        await restarted.resumeBestChain()
        #expect(await restarted.tip.hash == builder.tip.hash)
        #expect(await restarted.account(bob) == builder.state[bob])
        try await restarted.flush()
        #expect(try store.load()?.tip == builder.tip.hash)
    }
}
