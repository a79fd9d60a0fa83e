import Obol
import ObolAPI
import ObolCore
import ObolNode
import Testing

/// `NodeAPIBackend.events`: the node's chain and mempool events as API events, through a bounded queue.
@Suite(.timeLimit(.minutes(1))) struct NodeAPIBackendEventsTests {
    let fixture = ChainFixture.shared

    func makeNode() throws -> Node {
        try Node(configuration: NodeConfiguration(params: .test, verificationThreads: 1), store: MemoryChainStore())
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
        let bob = backend.events(watching: fixture.bobAddress, bufferingNewest: 16)
        let nobody = backend.events(watching: nil, bufferingNewest: 16)
        _ = await node.submit(fixture.block1)
        _ = await node.submit(fixture.block2)  // pays bob
        #expect(await node.submit(fixture.pending) == .success(fixture.pending.id))  // pays bob, waits in the mempool
        let tip1 = NodeEvent.tip(height: 1, hash: fixture.block1.hash)
        let tip2 = NodeEvent.tip(height: 2, hash: fixture.block2.hash)
        #expect(await drain(node, bob) == [tip1, tip2, .wallet, .mempool, .wallet])
        #expect(await drain(node, nobody) == [tip1, tip2, .mempool])
    }

    @Test func aReaderThatFallsBehindKeepsOnlyTheNewestEvents() async throws {
        let node = try makeNode()
        let backend = NodeAPIBackend(node: node)
        let alice = backend.events(watching: fixture.aliceAddress, bufferingNewest: 3)
        _ = await node.submit(fixture.block1)  // pays alice: tip 1, wallet
        _ = await node.submit(fixture.block2)  // alice pays bob: tip 2, wallet
        #expect(await drain(node, alice) == [.wallet, .tip(height: 2, hash: fixture.block2.hash), .wallet])
    }

    @Test func aStreamEndsWhenTheNodeStopsAndLetsGoOfItsSubscriptions() async throws {
        let node = try makeNode()
        let backend = NodeAPIBackend(node: node)
        do {
            let stream = backend.events(watching: nil, bufferingNewest: 4)
            #expect(node.chain.events.subscriberCount == 1)
            _ = stream
        }
        // The stream is gone (released unread): its subscriptions went with it.
        #expect(node.chain.events.subscriberCount == 0)
        let late = backend.events(watching: nil, bufferingNewest: 4)
        #expect(await drain(node, late) == [])
    }
}
