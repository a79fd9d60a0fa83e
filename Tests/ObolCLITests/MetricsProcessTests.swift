import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
#if canImport(Glibc)
import Glibc
#endif
import Testing

extension ObolProcessTests {
    /// The value of the unlabelled sample `name` in Prometheus text.
    static func sample(_ name: String, in text: String) -> Double? {
        text.split(separator: "\n").lazy
            .compactMap { line in line.hasPrefix(name + " ") ? Double(line.dropFirst(name.count + 1)) : nil }
            .first
    }

    /// `curl /metrics` on a running `obol node`: the executable bootstraps Prometheus, and the miner's and
    /// the chain's metrics move.
    @Test(.timeLimit(.minutes(1))) func aRunningNodeServesItsMetrics() async throws {
        let port = Int.random(in: 20_000..<40_000)
        let node = try Self.startNode(["--network", "test", "--data-dir", ":memory:", "--http-port", "\(port)",
                                       "--no-listen", "--mine", "--threads", "1", "--log-level", "warning"])
        defer { if node.isRunning { kill(node.processIdentifier, SIGKILL) } }
        let url = try #require(URL(string: "http://127.0.0.1:\(port)/metrics"))
        let text = { () async -> String? in
            guard let (data, response) = try? await URLSession.shared.data(from: url),
                  (response as? HTTPURLResponse)?.statusCode == 200 else { return nil }
            return String(decoding: data, as: UTF8.self)
        }
        #expect(await Self.eventually(30) {
            guard let metrics = await text() else { return false }
            return (Self.sample("obol_chain_height", in: metrics) ?? 0) >= 2
                && (Self.sample("obol_miner_hashes_total", in: metrics) ?? 0) > 0
        }, "GET /metrics shows the chain growing and the miner hashing")
        let metrics = try #require(await text())
        #expect(metrics.contains("# TYPE obol_chain_blocks_total counter"))
        #expect(metrics.contains("# TYPE obol_chain_block_validation_seconds histogram"))
        #expect(Self.sample("obol_store_write_backlog", in: metrics) != nil)
        node.terminate()
        #expect(await Self.waitForExit(node, seconds: 20))
    }
}
