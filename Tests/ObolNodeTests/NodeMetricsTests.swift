import MetricsTestKit
import ObolCore
import ObolTestSupport
import ObolWire
import Testing

@testable import ObolNode

/// The node's metrics, read from a `TestMetrics` factory given to the node's configuration: each test has
/// its own, so nothing touches the process-wide `MetricsSystem` and the tests may run in parallel.
@Suite(.timeLimit(.minutes(1))) struct NodeMetricsTests {
    let bob = PrivateKey.generate().publicKey.address

    func node(_ metrics: TestMetrics, mining: MinerConfig? = nil) throws -> Node {
        try Node(configuration: NodeConfiguration(params: .test, mining: mining, verificationThreads: 1,
                                                  metrics: metrics),
                 store: MemoryChainStore())
    }

    func gauge(_ metrics: TestMetrics, _ label: String, _ dimensions: [(String, String)] = []) throws -> Double? {
        try metrics.expectGauge(label, dimensions).lastValue
    }

    func counter(_ metrics: TestMetrics, _ label: String, _ dimensions: [(String, String)] = []) throws -> Int64 {
        try metrics.expectCounter(label, dimensions).totalValue
    }

    @Test func heightsAndBlockOutcomesFollowTheBlocksSubmitted() async throws {
        let metrics = TestMetrics()
        let node = try node(metrics)
        #expect(try gauge(metrics, "obol_chain_height") == 0)
        var builder = ChainBuilder()
        try builder.mine(count: 3)
        for block in builder.blocks.dropFirst() { _ = await node.submit(block) }
        #expect(try gauge(metrics, "obol_chain_height") == 3)
        #expect(try gauge(metrics, "obol_chain_best_header_height") == 3)
        #expect(try counter(metrics, "obol_chain_blocks_total", [("outcome", "connected")]) == 3)
        #expect(try metrics.expectTimer("obol_chain_block_validation_seconds").values.count == 3)

        #expect(await node.submit(builder.tip) == .duplicate)
        #expect(try counter(metrics, "obol_chain_blocks_total", [("outcome", "duplicate")]) == 1)

        var empty = builder.makeBlock()
        empty.transactions = []
        #expect(await node.submit(empty) == .invalid(.rule(.firstTransactionNotCoinbase)))
        #expect(try counter(metrics, "obol_chain_blocks_total", [("outcome", "invalid")]) == 1)
        #expect(try counter(metrics, "obol_chain_blocks_invalid_total", [("code", "missing-coinbase")]) == 1)
        #expect(try counter(metrics, "obol_chain_blocks_total", [("outcome", "connected")]) == 3)
        #expect(try gauge(metrics, "obol_chain_height") == 3)

        // An orphan counts as one, and so does each block it brings once its parent arrives.
        try builder.mine(count: 2)
        #expect(await node.submit(builder.tip) == .orphan)
        #expect(await node.submit(builder.block(at: 4)) == .connected(height: 4, disconnected: 0))
        #expect(try counter(metrics, "obol_chain_blocks_total", [("outcome", "orphan")]) == 1)
        #expect(try counter(metrics, "obol_chain_blocks_total", [("outcome", "connected")]) == 5)
        #expect(try gauge(metrics, "obol_chain_height") == 5)
    }

    @Test func aReorganizationCountsOnceWithItsDepth() async throws {
        let metrics = TestMetrics()
        let node = try node(metrics)
        var main = ChainBuilder()
        try main.mine(count: 3)
        var side = main.forked(at: 0, coinbaseData: [2])
        try side.mine(count: 5)
        for block in main.blocks.dropFirst() { _ = await node.submit(block) }
        #expect(try counter(metrics, "obol_chain_reorganizations_total") == 0)
        for block in side.blocks.dropFirst() { _ = await node.submit(block) }
        #expect(await node.chain.tip.hash == side.tip.hash)
        #expect(try counter(metrics, "obol_chain_reorganizations_total") == 1)
        #expect(try metrics.expectRecorder("obol_chain_reorganization_depth").values == [3])
        #expect(try gauge(metrics, "obol_chain_height") == 5)
    }

    @Test func mempoolGaugesAndAdmissionsFollowTheTransfers() async throws {
        let metrics = TestMetrics()
        let node = try node(metrics)
        let builder = ChainBuilder()
        let transfer = builder.transfer(to: bob, amount: ChainParams.coin)
        #expect(await node.submit(transfer) == .success(transfer.id))
        #expect(try counter(metrics, "obol_mempool_admissions_total", [("outcome", "accepted")]) == 1)
        #expect(try gauge(metrics, "obol_mempool_transfers") == 1)
        let bytes = await node.mempool.totalBytes
        #expect(bytes > 0)
        #expect(try gauge(metrics, "obol_mempool_bytes") == Double(bytes))

        #expect(await node.submit(transfer) == .failure(.duplicate))
        let foreign = builder.transfer(to: bob, amount: 1, networkID: ChainParams.devnet.networkID)
        let batch = await node.mempool.submit(contentsOf: [foreign, builder.transfer(to: bob, amount: 2, nonce: 1)])
        #expect(batch.map { (try? $0.get()) != nil } == [false, true])
        #expect(try counter(metrics, "obol_mempool_admissions_total", [("outcome", "duplicate")]) == 1)
        #expect(try counter(metrics, "obol_mempool_admissions_total", [("outcome", "wrong-network")]) == 1)
        #expect(try counter(metrics, "obol_mempool_admissions_total", [("outcome", "accepted")]) == 2)
        #expect(try gauge(metrics, "obol_mempool_transfers") == 2)
    }

    @Test func theSignatureCacheCountsHitsAndMissesOfBlockValidation() async throws {
        let metrics = TestMetrics()
        let node = try node(metrics)
        var builder = ChainBuilder()
        let known = builder.addTransfer(to: bob, amount: ChainParams.coin)
        builder.addTransfer(to: bob, amount: 2 * ChainParams.coin)
        try builder.mine(count: 1)
        // As the node does for every transfer its mempool admits.
        node.signatureCache.insert(known)
        #expect(await node.submit(builder.tip) == .connected(height: 1, disconnected: 0))
        #expect(try counter(metrics, "obol_signature_cache_hits_total") == 1)
        #expect(try counter(metrics, "obol_signature_cache_misses_total") == 1)
    }

    @Test func theStoreWriterReportsItsBacklogAndEachBatch() async throws {
        let metrics = TestMetrics()
        let node = try node(metrics)
        var builder = ChainBuilder()
        try builder.mine(count: 3)
        for block in builder.blocks.dropFirst() { _ = await node.submit(block) }
        try await node.chain.flush()
        let backlog = try metrics.expectGauge("obol_store_write_backlog").values
        #expect(backlog.contains { $0 > 0 })
        #expect(backlog.last == 0)
        #expect(try metrics.expectTimer("obol_store_flush_seconds").values.count >= 1)
    }

    @Test func theMinerCountsItsHashesAndZeroesItsRateWhenItStops() async throws {
        let metrics = TestMetrics()
        let node = try node(metrics, mining: MinerConfig(address: bob, threads: 1))
        let events = node.chainEvents(bufferingPolicy: .bufferingNewest(16))
        await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await node.run() }
            for await case let .tipChanged(tip) in events where tip.height >= 2 { break }
            group.cancelAll()
        }
        let stats = try #require(node.miner).stats
        #expect(stats.totalHashes > 0)
        #expect(try counter(metrics, "obol_miner_hashes_total") == Int64(stats.totalHashes))
        #expect(try gauge(metrics, "obol_miner_hash_rate") == 0)
    }

    @Test func peersAreCountedByDirectionWithTheirBytesAndDiscouragement() async throws {
        let network = MemoryNetwork()
        let aMetrics = TestMetrics(), bMetrics = TestMetrics()
        let b = try NetworkNode(network: network, host: "127.0.0.2") { $0.metrics = bMetrics }
        let a = try NetworkNode(network: network, host: "127.0.0.1", staticPeers: [b.endpoint]) { $0.metrics = aMetrics }
        try await withRunningNodes([a, b]) {
            await a.waitForPeerCount(1)
            await b.waitForPeerCount(1)
            #expect(try gauge(aMetrics, "obol_peers", [("direction", "outbound")]) == 1)
            #expect(try gauge(aMetrics, "obol_peers", [("direction", "inbound")]) == 0)
            #expect(try gauge(bMetrics, "obol_peers", [("direction", "inbound")]) == 1)
            #expect(try counter(bMetrics, "obol_peer_received_bytes_total") > 0)
            #expect(try counter(aMetrics, "obol_peer_received_bytes_total") > 0)

            // A peer that pings before its `version` breaks the protocol: discouraged.
            let changes = b.peers.changes.subscribe(bufferingPolicy: .unbounded)
            let rogue = network.transport(host: "127.0.0.3", nodeID: NetworkNode.nodeID(for: "127.0.0.3"))
            let link = try await rogue.connect(to: b.endpoint)
            try? await link.run(receive: { _ in }, write: { writer in try await writer.send([.ping(nonce: 1)]) })
            for await case let .disconnected(_, address, _, discouraged) in changes
            where address.host == "127.0.0.3" {
                #expect(discouraged)
                break
            }
            #expect(try counter(bMetrics, "obol_peers_discouraged_total") == 1)
            #expect(try gauge(bMetrics, "obol_peers_discouraged_hosts") == 1)
            #expect(try gauge(bMetrics, "obol_peers", [("direction", "inbound")]) == 1)
        }
        #expect(try counter(aMetrics, "obol_peer_sent_bytes_total") > 0)
    }
}
