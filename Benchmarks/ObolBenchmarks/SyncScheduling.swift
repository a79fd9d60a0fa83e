// "Sync.downloadCandidates<P>peers": the call PeerManager.scheduleDownloads makes on ChainActor after
// every block a peer delivers, alone, on a chain in the middle of a sync (every header, the first bodies),
// with P peers whose best header is the chain's end. As in a sync where 16 blocks per peer are in flight
// and one just arrived, the next 16 × P - 1 blocks are excluded (requested) and the limit is the one free
// slot plus 16: `downloadCandidates(window: 1024, limit: 17, excluding:, peerTips:)`.
// It runs on the chain's actor, so a sync's validation waits while it runs.
import Benchmark
import Foundation
import ObolCore
import ObolNode

/// A chain actor mid-sync: every header of the shared import chain, bodies up to `tipHeight`.
final class MidSync: Sendable {
    let chain: ChainActor
    let bestHeader: Hash256
    let tipHeight: Int
    /// The hashes of the blocks above the tip, in height order (up to 64).
    let next: [Hash256]

    private init(chain: ChainActor, bestHeader: Hash256, tipHeight: Int, next: [Hash256]) {
        self.chain = chain
        self.bestHeader = bestHeader
        self.tipHeight = tipHeight
        self.next = next
    }

    static func make() async throws -> MidSync {
        let source = ImportChain.shared
        let blocks = try source.encodedBlocks.map { try Block(decoding: $0) }
        let cache = SignatureCache()
        let chain = try ChainActor(params: source.params, store: MemoryChainStore(),
                                   verifier: ParallelSignatureVerifier(cache: cache, workers: Machine.cores))
        for batch in blocks.map(\.header).chunked(2_000) {
            let result = await chain.submitHeaders(batch)
            guard result.accepted == batch.count else { throw ImportFailure(description: "headers refused: \(result)") }
        }
        // A full window of 1,024 missing bodies above the tip where the chain is long enough.
        let tipHeight = max(0, min(1_000, blocks.count - 1_024))
        for (i, block) in blocks.prefix(tipHeight).enumerated() {
            cache.insert(contentsOf: Array(block.transfers))
            guard case .connected = await chain.submit(block) else {
                throw ImportFailure(description: "block \(i + 1) was not connected")
            }
        }
        return MidSync(chain: chain, bestHeader: blocks.last!.hash, tipHeight: tipHeight,
                       next: blocks.dropFirst(tipHeight).prefix(64).map(\.hash))
    }

    private static let cache = Cache()

    static func shared() async throws -> MidSync { try await cache.get() }

    private actor Cache {
        var made: MidSync?

        func get() async throws -> MidSync {
            if let made { return made }
            let state = try await MidSync.make()
            made = state
            return state
        }
    }
}

func registerSyncSchedulingBenchmarks() {
    for peers in [1, 4] {
        let candidates = BenchmarkMetric.custom("Candidates", polarity: .prefersLarger, useScalingFactor: false)
        Benchmark("Sync.downloadCandidates\(peers)peers",
                  configuration: .init(metrics: [.wallClock, .cpuTotal, .mallocCountTotal, candidates],
                                       units: [candidates: .count], scalingFactor: .one,
                                       maxDuration: .seconds(3))) { benchmark, state in
            let tips = Dictionary(uniqueKeysWithValues: (1 ... UInt64(peers)).map { ($0, state.bestHeader) })
            let requested = Set(state.next.prefix(16 * peers - 1))
            var count = 0
            for _ in benchmark.scaledIterations {
                let wanted = await state.chain.downloadCandidates(window: 1_024, limit: 17, excluding: requested,
                                                                  peerTips: tips)
                count = wanted.count
                blackHole(wanted)
            }
            benchmark.measurement(candidates, count)
        } setup: {
            try await MidSync.shared()
        }
    }
}
