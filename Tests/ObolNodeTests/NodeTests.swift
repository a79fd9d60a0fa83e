import ObolCore
import ObolTestSupport
import Testing

@testable import ObolNode

/// A whole node in memory, mining on the trivial test network: no sockets.
@Suite(.timeLimit(.minutes(1))) struct NodeTests {
    func miningNode(threads: Int = 1) throws -> Node {
        let miner = PrivateKey.generate().publicKey.address
        return try Node(configuration: NodeConfiguration(
            params: .test,
            mining: MinerConfig(address: miner, threads: threads, templateRefreshInterval: .milliseconds(50))),
            store: MemoryChainStore())
    }

    /// Runs `node` while `body` runs, then stops it.
    func whileRunning<T: Sendable>(_ node: Node, _ body: @Sendable () async throws -> T) async throws -> T {
        try await withThrowingTaskGroup(of: T?.self) { group in
            group.addTask { try await node.run(); return nil }
            let result = try await body()
            group.cancelAll()
            return result
        }
    }

    @Test(.timeLimit(.minutes(1))) func minesBlocksOnTheTestNetwork() async throws {
        let node = try miningNode()
        let events = node.chainEvents(bufferingPolicy: .bufferingNewest(1024))
        let height = try await whileRunning(node) {
            for await case let .tipChanged(tip) in events where tip.height >= 3 { return tip.height }
            return 0
        }
        #expect(height >= 3)
        let tip = await node.chain.tip
        let block = try #require(await node.chain.block(tip.hash))
        #expect(block.transactions.first?.coinbase?.recipient == node.configuration.mining?.address)
    }

    @Test(.timeLimit(.minutes(1))) func confirmsASubmittedTransfer() async throws {
        let node = try miningNode()
        let minerEvents = try #require(node.miner).subscribe()
        let bob = PrivateKey.generate().publicKey.address
        let transfer = Transfer.signed(by: ChainParams.devnetAllocationKey, networkID: ChainParams.test.networkID,
                                       to: bob, amount: 5 * ChainParams.coin, fee: 2_000, nonce: 0)
        let events = node.chainEvents(bufferingPolicy: .bufferingNewest(1024))
        let confirmedAt = try await whileRunning(node) { () async throws -> UInt64? in
            let submitted = await node.submit(transfer)
            #expect(submitted == .success(transfer.id))
            for await case let .blockConnected(block, height, _) in events
            where block.transfers.contains(where: { $0.id == transfer.id }) {
                return height
            }
            return nil
        }
        #expect(confirmedAt != nil)
        #expect(await node.chain.account(bob).balance == 5 * ChainParams.coin)
        #expect(await node.mempool.transfer(transfer.id) == nil)
        let (_, location) = try #require(await node.chain.transaction(transfer.id))
        #expect(location.height == confirmedAt)
        // The miner hears of each tip after the mempool has handled it, so it never
        // builds a block around a transfer that the tip already confirmed.
        var refused = [SubmitResult]()
        for await case let .blockFound(block, result) in minerEvents {
            if case .invalid = result { refused.append(result) }
            if block.transfers.contains(where: { $0.id == transfer.id }) { break }
        }
        #expect(refused.isEmpty)
    }

    @Test func refusesATransferForAnotherNetwork() async throws {
        let node = try Node(configuration: NodeConfiguration(params: .test), store: MemoryChainStore())
        let transfer = Transfer.signed(by: ChainParams.devnetAllocationKey, networkID: ChainParams.devnet.networkID,
                                       to: PrivateKey.generate().publicKey.address, amount: 1, fee: 2_000, nonce: 0)
        let result = await node.submit(transfer)
        #expect(result == .failure(.invalid(.wrongNetwork(expected: ChainParams.test.networkID,
                                                          actual: ChainParams.devnet.networkID))))
    }
}
