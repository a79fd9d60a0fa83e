import Foundation
import Hummingbird
import HummingbirdTesting
import Obol
import ObolAPIModels
import ObolTestSupport
import Prometheus
import Testing

/// `GET /metrics`: the Prometheus text of a real node's registry, and 404 without a metrics backend. The
/// node gets a registry of its own through its configuration (no process-wide bootstrap).
@Suite(.timeLimit(.minutes(1))) struct MetricsRouteTests {
    /// The value of the sample `series` (a name, with its labels if any) in Prometheus text.
    static func sample(_ series: String, in text: String) -> Double? {
        text.split(separator: "\n").lazy
            .filter { !$0.hasPrefix("#") }
            .compactMap { line -> Double? in
                guard line.hasPrefix(series + " ") else { return nil }
                return Double(line.dropFirst(series.count + 1))
            }
            .first
    }

    @Test func withoutAMetricsBackendTheRouteIsAJSON404() async throws {
        try await withRouter { client in
            let response = try await client.get("/metrics")
            #expect(response.status == .notFound)
            #expect(response.errorCode == "not-found")
        }
    }

    @Test func aNodeAnswersWithItsMetricsInThePrometheusTextFormat() async throws {
        let prometheus = PrometheusMetrics()
        var configuration = NodeConfiguration(params: .test, verificationThreads: 1)
        configuration.metrics = prometheus.factory
        let node = try Node(configuration: configuration, store: MemoryChainStore())
        var builder = ChainBuilder()
        try builder.mine(count: 3)
        for block in builder.blocks.dropFirst() { _ = await node.submit(block) }
        var bad = builder.makeBlock()
        bad.transactions = []
        _ = await node.submit(bad)
        let transfer = builder.transfer(to: PrivateKey.generate().publicKey.address, amount: ChainParams.coin)
        #expect(await node.submit(transfer) == .success(transfer.id))

        let app = Application(router: buildRouter(backend: NodeAPIBackend(node: node), metrics: prometheus.emit))
        try await app.test(.router) { client in
            let response = try await client.get("/metrics")
            #expect(response.status == .ok)
            #expect(response.headers[.contentType] == "text/plain; version=0.0.4; charset=utf-8")
            let text = response.text
            #expect(text.contains("# TYPE obol_chain_height gauge"))
            #expect(Self.sample("obol_chain_height", in: text) == 3)
            // The bad block's header is valid (only its body is not, and another copy may be good): it
            // leads the header chain.
            #expect(Self.sample("obol_chain_best_header_height", in: text) == 4)
            #expect(Self.sample(#"obol_chain_blocks_total{outcome="connected"}"#, in: text) == 3)
            #expect(Self.sample(#"obol_chain_blocks_invalid_total{code="missing-coinbase"}"#, in: text) == 1)
            #expect(text.contains("# TYPE obol_chain_block_validation_seconds histogram"))
            #expect(Self.sample("obol_chain_block_validation_seconds_count", in: text) == 4)  // the bad block too
            #expect(Self.sample("obol_mempool_transfers", in: text) == 1)
            #expect(Self.sample(#"obol_mempool_admissions_total{outcome="accepted"}"#, in: text) == 1)
        }
    }
}
