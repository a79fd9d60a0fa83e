import Foundation
import ObolSimulation
import Testing

@Suite(.timeLimit(.minutes(2)))
struct NetworkSimulationTests {
    static func configuration(nodes: Int = 100, blocks: Int = 20, blockTime: Double = 10, loss: Double = 0,
                              seed: UInt64 = 1) -> SimulationConfiguration {
        var configuration = SimulationConfiguration()
        configuration.nodes = nodes
        configuration.blocks = blocks
        configuration.blockTime = blockTime
        configuration.loss = loss
        configuration.seed = seed
        return configuration
    }

    /// Runs the simulation on a thread of its own. A run is seconds of synchronous work: on the test
    /// pool (two threads on a 2-core machine) six of them at once would stall every other test of the
    /// process for as long, and time-bound tests elsewhere would fail.
    static func run(_ configuration: SimulationConfiguration) async -> SimulationReport {
        await withCheckedContinuation { continuation in
            Thread.detachNewThread { continuation.resume(returning: NetworkSimulation.run(configuration)) }
        }
    }

    @Test func everyBlockReachesEveryNodeOnceWithinTheGraphsLatency() async {
        let report = await Self.run(Self.configuration())
        #expect(report.mined == 20)
        #expect(report.unreached == 0)
        #expect(report.delays.count == (report.mined - report.stale) * 99)
        #expect(report.duplicateBlocks == 0, "a node asks one peer at a time")
        // Nothing arrives faster than one link, and a few hops of at most 300 ms (plus upload time) reach all.
        #expect(report.percentile(0) >= 0.05)
        #expect(report.percentile(1) < 3)
        #expect(report.percentile(0.5) > report.percentile(0.1))
        // Each node sends a block about once per block, plus announcements and requests.
        #expect(report.bytesPerNodePerBlock > 15_000 && report.bytesPerNodePerBlock < 2 * 15_000)
    }

    @Test func lostMessagesAreRecoveredByAskingAgain() async {
        let report = await Self.run(Self.configuration(loss: 0.1))
        #expect(report.unreached == 0)
        let lossless = await Self.run(Self.configuration())
        #expect(report.percentile(0.99) > lossless.percentile(0.99), "retries take a request timeout")
    }

    @Test func theStaleRateRisesAsTheBlockTimeNearsThePropagationTime() async {
        var rates: [SimulationReport] = []
        for blockTime in [60.0, 5, 1] { rates.append(await Self.run(Self.configuration(blocks: 300, blockTime: blockTime))) }
        #expect(rates[0].staleRate < rates[1].staleRate)
        #expect(rates[1].staleRate < rates[2].staleRate)
        // Within a factor of two of Decker and Wattenhofer's 1 − e^(−delay / block time), where it is large
        // enough to measure in 300 blocks.
        for report in rates.dropFirst() {
            #expect(report.staleRate > report.predictedStaleRate / 2 && report.staleRate < report.predictedStaleRate * 2,
                    "block time \(report.configuration.blockTime): \(report.staleRate) against \(report.predictedStaleRate)")
        }
    }

    @Test func aRunIsReproducibleFromItsSeed() async {
        let a = await Self.run(Self.configuration(loss: 0.05, seed: 7))
        let b = await Self.run(Self.configuration(loss: 0.05, seed: 7))
        let c = await Self.run(Self.configuration(loss: 0.05, seed: 8))
        #expect(a.delays == b.delays && a.stale == b.stale && a.messages == b.messages)
        #expect(a.delays != c.delays)
    }

    @Test func theReportWritesCSVAndAChart() async {
        let report = await Self.run(Self.configuration(nodes: 30, blocks: 5))
        let lines = report.csv.split(separator: "\n")
        #expect(lines.count == 2)
        #expect(lines[0].split(separator: ",").count == lines[1].split(separator: ",").count)
        let svg = PropagationChart.svg(report)
        #expect(svg.hasPrefix("<svg") && svg.contains("<polyline") && svg.contains("p99"))
        let curve = report.reachCurve()
        #expect(curve.first!.share < 0.1 && curve.last!.share == 1)
        #expect(zip(curve, curve.dropFirst()).allSatisfy { $0.share <= $1.share })
    }

    @Test func aBadConfigurationIsNamed() {
        var configuration = Self.configuration()
        configuration.loss = 1
        configuration.outbound = 0
        #expect(configuration.problems.count == 2)
    }
}
