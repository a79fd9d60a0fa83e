import ObolCore
import ObolNode
import ObolTestSupport
import ObolWire
import Testing

/// Stalls and timers of the peer layer. Sync stalls run on the real clock with timeouts of a fraction of a
/// second (the test waits on events, never sleeps); the handshake timeout runs on a manual clock.
@Suite(.timeLimit(.minutes(1)))
struct PeerTimerTests {
    static let start: UInt64 = 1_700_000_000 + 100_000
    static func endpoint(_ host: String) -> PeerEndpoint { PeerEndpoint(host: host, port: 9333) }

    static let chain: ChainBuilder = {
        var builder = ChainBuilder()
        try! builder.mine(count: 500)
        return builder
    }()

    /// Quick timeouts, so stalls show within a fraction of a second of real time.
    static func quickTimeouts(_ configuration: inout NodeConfiguration) {
        configuration.peers.initialBlockTimeout = .milliseconds(200)
        configuration.peers.maxBlockTimeout = .seconds(4)
    }

    static func seed(_ node: NetworkNode, through height: Int = 500) async {
        for block in chain.blocks[1...height] { _ = await node.node.submit(block) }
    }

    @Test func silentPeerHoldingSixteenBlocksDoesNotStallTheSync() async throws {
        let network = MemoryNetwork()
        let seeds = try (2...5).map { try NetworkNode(network: network, host: "127.0.0.\($0)") }
        for seed in seeds { await Self.seed(seed) }
        // 127.0.0.5 answers everything but never delivers a block.
        network.setConditions(LinkConditions(dropping: [.block]), from: "127.0.0.5")
        let joiner = try NetworkNode(network: network, host: "127.0.0.9", staticPeers: seeds.map(\.endpoint),
                                     configure: Self.quickTimeouts)
        try await withRunningNodes(seeds) {
            try await withRunningNodes([joiner]) {
                await joiner.waitForPeerCount(4)
                let silent = try #require(await joiner.peers.peers().first { $0.address.host == "127.0.0.5" }).id
                // The silent peer gets its share of requests, and holds them until they time out.
                while await joiner.peers.blocksInFlight()[silent] != 16 {
                    try Task.checkCancellation()
                    await Task.yield()
                }
                // The silent peer never delivers: the sync completes only because its requests time out and
                // go to other peers. (How fast is a benchmark's question, not a test's.)
                #expect(await joiner.waitForTip(Self.chain.tip.hash))
                // Slowness is no misbehaviour: the silent peer is still connected, and rests.
                #expect(await joiner.peers.peers().contains { $0.id == silent })
                #expect(await joiner.peers.blocksInFlight()[silent, default: 0] <= 16)
            }
        }
    }

    @Test func slowHonestPeerIsNotDisconnectedAgainAndAgain() async throws {
        let network = MemoryNetwork()
        let slow = try NetworkNode(network: network, host: "127.0.0.2")
        await Self.seed(slow, through: 100)
        // Every message it sends takes 300 ms: longer than the first block timeout (200 ms).
        network.setConditions(LinkConditions(latency: .milliseconds(300)), from: "127.0.0.2")
        let joiner = try NetworkNode(network: network, host: "127.0.0.9", staticPeers: [slow.endpoint],
                                     configure: Self.quickTimeouts)
        let drops = joiner.peers.changes.subscribe(bufferingPolicy: .unbounded) { change -> String? in
            if case let .disconnected(_, address, reason, _) = change { "\(address): \(reason)" } else { nil }
        }
        try await withRunningNodes([slow]) {
            try await withRunningNodes([joiner]) {
                #expect(await joiner.waitForTip(Self.chain.block(at: 100).hash))
                #expect(await joiner.peers.peerCount == 1)
            }
        }
        var reasons: [String] = []
        for await reason in drops { reasons.append(reason) }
        // Only the shutdown at the end of the test closed the connection.
        #expect(reasons.count <= 1, "disconnections: \(reasons)")
    }

    @Test func fiveHundredHalfOpenHandshakesTimeOut() async throws {
        let clock = ManualClock(seconds: Self.start)
        let network = MemoryNetwork(clock: clock)
        let node = try NetworkNode(network: network, host: "127.0.0.2", clock: clock) { configuration in
            configuration.peers.maxConnections = 600
        }
        let timeouts = node.peers.changes.subscribe(bufferingPolicy: .unbounded) { change -> Bool? in
            if case let .disconnected(_, _, reason, discouraged) = change { reason == "handshake-timeout" && !discouraged } else { nil }
        }
        try await withRunningNodes([node]) {
            var links: [any PeerLink] = []
            for index in 0..<500 {
                let attacker = network.transport(host: "127.0.1.\(index % 250 + 1)", port: 9333,
                                                 nodeID: NetworkNode.nodeID(for: "half-open-\(index)"), listening: false)
                // Connects (once the node listens), and never says a word.
                while true {
                    if let link = try? await attacker.connect(to: node.endpoint) {
                        links.append(link)
                        break
                    }
                    try Task.checkCancellation()
                    await Task.yield()
                }
            }
            await node.waitForPeers { _ in true }
            while await node.peers.peers().count < 500 {
                try Task.checkCancellation()
                await Task.yield()
            }
            #expect(await node.peers.peerCount == 0)
            clock.advance(by: .seconds(9))
            while await node.peers.peers().count > 0 {
                try Task.checkCancellation()
                clock.advance(by: .milliseconds(250))
                await Task.yield()
            }
            #expect(clock.elapsed() <= .seconds(11))
            for link in links { await link.close() }
        }
        var count = 0
        for await timedOut in timeouts where timedOut { count += 1 }
        #expect(count == 500)
    }
}
