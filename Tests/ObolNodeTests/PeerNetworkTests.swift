import ObolCore
import ObolNode
import ObolTestSupport
import ObolWire
import Testing

/// Nodes on the in-memory network: connection, block and transfer relay, sync.
@Suite(.timeLimit(.minutes(1)))
struct PeerNetworkTests {
    static func endpoint(_ host: String) -> PeerEndpoint { PeerEndpoint(host: host, port: 9333) }

    @Test func twoNodesConnectAndRelayABlock() async throws {
        let network = MemoryNetwork()
        let a = try NetworkNode(network: network, host: "127.0.0.2")
        let b = try NetworkNode(network: network, host: "127.0.0.3", staticPeers: [Self.endpoint("127.0.0.2")])
        var builder = ChainBuilder()
        try builder.mine(count: 1)
        try await withRunningNodes([a, b]) {
            await a.waitForPeerCount(1)
            await b.waitForPeerCount(1)
            let block = builder.tip
            #expect(await a.node.submit(block) == .connected(height: 1, disconnected: 0))
            await b.waitForTip(block.hash)
            let peersOfA = await a.peers.peers()
            #expect(peersOfA.map(\.direction) == [.inbound])
            #expect(peersOfA.first?.height == 1)
        }
    }

    @Test func threeNodesConverge() async throws {
        let network = MemoryNetwork()
        let hub = Self.endpoint("127.0.0.2")
        let nodes = try ["127.0.0.2", "127.0.0.3", "127.0.0.4"].map { host in
            try NetworkNode(network: network, host: host, staticPeers: host == hub.host ? [] : [hub])
        }
        var builder = ChainBuilder()
        try builder.mine(count: 5)
        try await withRunningNodes(nodes) {
            for node in nodes.dropFirst() { await node.waitForPeerCount(1) }
            // Blocks enter at different nodes; all end on the same tip.
            for (index, block) in builder.blocks.dropFirst().enumerated() {
                _ = await nodes[index % nodes.count].node.submit(block)
            }
            for node in nodes { await node.waitForTip(builder.tip.hash) }
        }
    }

    @Test func aNodeThatJoinsLaterIsGossipedToThePeersAlreadyThere() async throws {
        let network = MemoryNetwork()
        let hub = try NetworkNode(network: network, host: "127.0.0.2")
        let early = try NetworkNode(network: network, host: "127.0.0.3", staticPeers: [hub.endpoint])
        // One outbound slot, its static peer's: the newcomer does not dial the early node itself.
        let late = try NetworkNode(network: network, host: "127.0.0.4", staticPeers: [hub.endpoint]) {
            $0.peers.maxOutbound = 1
        }
        try await withRunningNodes([hub, early]) {
            await early.waitForPeerCount(1)
            await hub.waitToKnow(early.endpoint)
            try await withRunningNodes([late]) {
                // The hub passes the newcomer's address on to the early node, which asked for addresses
                // before the newcomer existed; the newcomer hears of the early node in the hub's reply.
                await early.waitToKnow(late.endpoint)
                await late.waitToKnow(early.endpoint)
                #expect(await early.peers.peers().map(\.address) == [hub.endpoint])
            }
        }
        #expect(await early.peers.knows(late.endpoint))
    }

    @Test func transferReachesEveryMempoolAlongALine() async throws {
        let network = MemoryNetwork()
        let hosts = (2...9).map { "127.0.0.\($0)" }
        let nodes = try hosts.enumerated().map { index, host in
            try NetworkNode(network: network, host: host,
                            staticPeers: index == 0 ? [] : [Self.endpoint(hosts[index - 1])])
        }
        var builder = ChainBuilder()
        try builder.mine(count: 1)
        let transfer = builder.transfer(to: ChainBuilder.testAddress(1), amount: 5)
        try await withRunningNodes(nodes) {
            for node in nodes.dropFirst() { await node.waitForPeerCount(1) }
            _ = await nodes[0].node.submit(builder.tip)
            await nodes[7].waitForTip(builder.tip.hash)
            #expect(try await nodes[7].node.submit(transfer).get() == transfer.id)
            await nodes[0].waitForTransfer(transfer.id)
            // A block mined at one end with the transfer reaches the other end.
            try builder.mine(transfers: [transfer])
            _ = await nodes[0].node.submit(builder.tip)
            await nodes[7].waitForTip(builder.tip.hash)
            #expect(await nodes[7].node.mempool.count == 0)
        }
    }
}
