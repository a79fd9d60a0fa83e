import Obol
import ObolAPI
import ObolCore
import ObolNode
import ObolTestSupport
import Testing

/// `NodeAPIBackend.events`: the node's chain and mempool events as API events, through a bounded queue.
@Suite(.timeLimit(.minutes(1))) struct NodeAPIBackendEventsTests {
    let alice = try! PrivateKey(hex: String(repeating: "11", count: 32))
    let bob = try! PrivateKey(hex: String(repeating: "22", count: 32))

    func makeNode() throws -> Node {
        try Node(configuration: NodeConfiguration(params: .test, verificationThreads: 1), store: MemoryChainStore())
    }

    /// Two blocks on the `test` network: the first pays alice, the second has alice pay bob; and a
    /// transfer from alice to bob that can wait in the mempool after them.
    func chain() throws -> (block1: Block, block2: Block, pending: Transfer) {
        var builder = ChainBuilder()
        builder.addTransfer(to: alice.publicKey.address, amount: 10 * ChainParams.coin)
        let block1 = try builder.mine()
        builder.addTransfer(from: alice, to: bob.publicKey.address, amount: ChainParams.coin)
        let block2 = try builder.mine()
        let pending = builder.transfer(from: alice, to: bob.publicKey.address, amount: ChainParams.coin)
        return (block1, block2, pending)
    }

    /// Ends the node's event hubs (as its `run` does when it returns) and reads what the stream kept.
    func drain(_ node: Node, _ stream: AsyncStream<NodeEvent>) async -> [NodeEvent] {
        node.chain.events.finish()
        node.mempool.finishEvents()
        var events: [NodeEvent] = []
        for await event in stream { events.append(event) }
        return events
    }

    @Test func tellsTipsAndTheWatchedAddressesBlocksAndTransfers() async throws {
        let node = try makeNode()
        let backend = NodeAPIBackend(node: node)
        let (block1, block2, pending) = try chain()
        let bobEvents = backend.events(watching: bob.publicKey.address, bufferingNewest: 16)
        let nobody = backend.events(watching: nil, bufferingNewest: 16)
        _ = await node.submit(block1)
        _ = await node.submit(block2)  // pays bob
        let accepted = await node.submit(pending)  // pays bob, waits in the mempool
        #expect((try? accepted.get()) == pending.id)
        let tip1 = NodeEvent.tip(height: 1, hash: block1.hash), tip2 = NodeEvent.tip(height: 2, hash: block2.hash)
        #expect(await drain(node, bobEvents) == [tip1, tip2, .wallet, .mempool, .wallet])
        #expect(await drain(node, nobody) == [tip1, tip2, .mempool])
    }

    @Test func aReaderThatFallsBehindKeepsOnlyTheNewestEvents() async throws {
        let node = try makeNode()
        let backend = NodeAPIBackend(node: node)
        let (block1, block2, _) = try chain()
        let aliceEvents = backend.events(watching: alice.publicKey.address, bufferingNewest: 3)
        _ = await node.submit(block1)  // pays alice: tip 1, wallet
        _ = await node.submit(block2)  // alice pays bob: tip 2, wallet
        #expect(await drain(node, aliceEvents) == [.wallet, .tip(height: 2, hash: block2.hash), .wallet])
    }

    @Test func aStreamLetsGoOfItsSubscriptionsAndEndsWhenTheNodeStops() async throws {
        let node = try makeNode()
        let backend = NodeAPIBackend(node: node)
        let before = node.chain.events.subscriberCount
        do {
            let stream = backend.events(watching: nil, bufferingNewest: 4)
            #expect(node.chain.events.subscriberCount == before + 1)
            withExtendedLifetime(stream) {}
        }
        // The stream is gone (released unread): its subscriptions went with it.
        #expect(node.chain.events.subscriberCount == before)
        let late = backend.events(watching: nil, bufferingNewest: 4)
        #expect(await drain(node, late) == [])
    }
}
