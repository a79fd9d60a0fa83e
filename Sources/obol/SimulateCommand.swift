import ArgumentParser
import Foundation
import ObolSimulation

/// `obol simulate`: block propagation over thousands of nodes in virtual time.
struct SimulateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "simulate",
        abstract: "Simulate block propagation over many nodes in virtual time (ObolWire's per-peer state machines).",
        discussion: "Prints the propagation time (p50/p90/p99), the stale block rate beside the rate predicted from the mean delay, and the bytes sent per node per block. --csv and --svg write the figures and a chart."
    )

    @Option(help: "Nodes in the network.")
    var nodes: Int = 1_000

    @Option(help: "Outbound peers per node.")
    var outbound: Int = 8

    @Option(name: .customLong("block-time"), help: "Mean time between blocks, such as 10s or 500ms.")
    var blockTime: String = "10s"

    @Option(help: "Blocks to mine.")
    var blocks: Int = 100

    @Option(help: "One-way latency of each link, drawn from this range, such as 50-300ms.")
    var latency: String = "50-300ms"

    @Option(help: "Share of messages lost, such as 1% or 0.01.")
    var loss: String = "1%"

    @Option(name: .customLong("block-size"), help: "Bytes of a block.")
    var blockSize: Int = 15_000

    @Option(help: "Each node's upload rate, bytes per second.")
    var bandwidth: Double = 1_250_000

    @Option(help: "Seed of the run: the same seed gives the same run.")
    var seed: UInt64 = 1

    @Option(help: "Write the figures to this CSV file.")
    var csv: String?

    @Option(help: "Write the propagation chart to this SVG file.")
    var svg: String?

    func validate() throws {
        _ = try makeConfiguration()
    }

    func run() throws {
        let configuration = try makeConfiguration()
        let report = NetworkSimulation.run(configuration)
        print(report.summary)
        do {
            if let csv { try report.csv.write(toFile: csv, atomically: true, encoding: .utf8) }
            if let svg { try PropagationChart.svg(report).write(toFile: svg, atomically: true, encoding: .utf8) }
        } catch {
            throw CommandFailure("cannot write the output: \(error.localizedDescription)")
        }
    }

    func makeConfiguration() throws -> SimulationConfiguration {
        var configuration = SimulationConfiguration()
        configuration.nodes = nodes
        configuration.outbound = outbound
        configuration.blocks = blocks
        configuration.blockSize = blockSize
        configuration.bandwidth = bandwidth
        configuration.seed = seed
        guard let time = Self.seconds(blockTime) else { throw ValidationError("--block-time '\(blockTime)' is not a duration such as 10s or 500ms") }
        configuration.blockTime = time
        let bounds = latency.split(separator: "-", maxSplits: 1)
        let unit = latency.hasSuffix("ms") ? "ms" : latency.hasSuffix("s") ? "s" : ""
        guard bounds.count == 2, let low = Self.seconds(bounds[0] + (bounds[0].hasSuffix("s") ? "" : unit)),
              let high = Self.seconds(String(bounds[1])), low <= high
        else { throw ValidationError("--latency '\(latency)' is not a range such as 50-300ms") }
        configuration.latency = low...high
        let lossText = loss.hasSuffix("%") ? String(loss.dropLast()) : loss
        guard let value = Double(lossText) else { throw ValidationError("--loss '\(loss)' is not a share such as 1% or 0.01") }
        configuration.loss = loss.hasSuffix("%") ? value / 100 : value
        if nodes * blocks > 20_000_000 { throw ValidationError("--nodes × --blocks must be at most 20000000 (memory)") }
        if let problem = configuration.problems.first { throw ValidationError(problem) }
        return configuration
    }

    /// "10s", "500ms", "2.5s" in seconds.
    static func seconds(_ text: some StringProtocol) -> Double? {
        let text = String(text)
        if text.hasSuffix("ms"), let value = Double(text.dropLast(2)), value >= 0 { return value / 1_000 }
        if text.hasSuffix("s"), let value = Double(text.dropLast()), value >= 0 { return value }
        return nil
    }
}
