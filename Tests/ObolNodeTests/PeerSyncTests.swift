import Foundation
import ObolCore
import ObolNode
import ObolStore
import ObolTestSupport
import ObolWire
import Testing

/// Headers-first sync from several peers, rejoining after a restart, and merging after a partition.
@Suite(.timeLimit(.minutes(1)))
struct PeerSyncTests {
    static func endpoint(_ host: String) -> PeerEndpoint { PeerEndpoint(host: host, port: 9333) }

    /// A chain of `count` blocks on the test network, built once per process.
    static let longChain: ChainBuilder = {
        var builder = ChainBuilder()
        try! builder.mine(count: 1_200)
        return builder
    }()

    static func seed(_ node: NetworkNode, with builder: ChainBuilder, through height: Int? = nil) async {
        for block in builder.blocks.dropFirst().prefix(height ?? builder.blocks.count) { _ = await node.node.submit(block) }
    }

    @Test func lateJoinerSyncsALongChainFromFourPeers() async throws {
        let network = MemoryNetwork()
        let builder = Self.longChain
        let hosts = (2...5).map { "127.0.0.\($0)" }
        let seeds = try hosts.map { try NetworkNode(network: network, host: $0) }
        for node in seeds { await Self.seed(node, with: builder) }
        let joiner = try NetworkNode(network: network, host: "127.0.0.9", staticPeers: hosts.map(Self.endpoint))
        let connected = joiner.node.chain.events.subscribe(bufferingPolicy: .unbounded) { event -> Origin? in
            if case let .blockConnected(_, _, origin) = event { origin } else { nil }
        }
        try await withRunningNodes(seeds + [joiner]) {
            #expect(await joiner.waitForTip(builder.tip.hash))
        }
        var origins: [Origin: Int] = [:]
        for await origin in connected { origins[origin, default: 0] += 1 }
        #expect(origins.values.reduce(0, +) == builder.blocks.count - 1)
        // The bodies came from every peer, not from one sync peer, and each was downloaded about once.
        #expect(origins.count == 4, "blocks by origin: \(origins)")
        let downloads = network.messagesSent(.block)
        #expect(downloads <= (builder.blocks.count - 1) * 5 / 4, "\(downloads) block messages")
    }

    @Test func nodeRestartedFromDiskRejoinsAndCatchesUp() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("obol-rejoin-\(UUID())")
        defer { try? FileManager.default.removeItem(at: directory) }
        let network = MemoryNetwork()
        let builder = Self.longChain
        let miner = try NetworkNode(network: network, host: "127.0.0.2")
        await Self.seed(miner, with: builder, through: 50)
        try await withRunningNodes([miner]) {
            let first = try NetworkNode(network: network, host: "127.0.0.3",
                                        store: try SQLiteChainStore(dataDirectory: directory),
                                        staticPeers: [Self.endpoint("127.0.0.2")])
            try await withRunningNodes([first]) { #expect(await first.waitForTip(builder.block(at: 50).hash)) }
            // While it is down, the chain grows.
            for block in builder.blocks[51...80] { _ = await miner.node.submit(block) }
            let second = try NetworkNode(network: network, host: "127.0.0.3",
                                         store: try SQLiteChainStore(dataDirectory: directory),
                                         staticPeers: [Self.endpoint("127.0.0.2")])
            #expect(await second.node.chain.tip.height == 50)
            try await withRunningNodes([second]) { #expect(await second.waitForTip(builder.block(at: 80).hash)) }
        }
    }

    @Test func partitionedGroupsMergeOnTheMostWorkAndKeepEveryTransfer() async throws {
        let network = MemoryNetwork()
        var common = ChainBuilder()
        try common.mine(count: 3)
        let a = try NetworkNode(network: network, host: "127.0.0.2")
        let b = try NetworkNode(network: network, host: "127.0.0.3", staticPeers: [Self.endpoint("127.0.0.2")])
        let c = try NetworkNode(network: network, host: "127.0.0.4", staticPeers: [Self.endpoint("127.0.0.3")])
        let d = try NetworkNode(network: network, host: "127.0.0.5", staticPeers: [Self.endpoint("127.0.0.4")])
        let nodes = [a, b, c, d]
        try await withRunningNodes(nodes) {
            for node in nodes.dropFirst() { await node.waitForPeerCount(1) }
            for block in common.blocks.dropFirst() { _ = await a.node.submit(block) }
            for node in nodes { await node.waitForTip(common.tip.hash) }

            network.partition([["127.0.0.2", "127.0.0.3"], ["127.0.0.4", "127.0.0.5"]])
            await b.waitForPeers { $0.count == 1 }
            await c.waitForPeers { $0.count == 1 }
            // The left side mines two blocks with a transfer; the right side mines three, without it.
            var left = common
            let transfer = left.transfer(to: ChainBuilder.testAddress(1), amount: 7)
            try left.mine(transfers: [transfer])
            try left.mine(transfers: [])
            var right = common.forked(at: common.height, coinbaseData: [1])
            try right.mine(count: 3)
            for block in left.blocks.suffix(2) { _ = await a.node.submit(block) }
            for block in right.blocks.suffix(3) { _ = await d.node.submit(block) }
            await b.waitForTip(left.tip.hash)
            await c.waitForTip(right.tip.hash)
            network.heal()  // b redials c
            for node in nodes { #expect(await node.waitForTip(right.tip.hash)) }
            // The transfer of the losing side is pending everywhere, not lost.
            for node in nodes { #expect(await node.waitForTransfer(transfer.id)) }
        }
    }
}
