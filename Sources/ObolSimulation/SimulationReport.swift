import Foundation

/// What a simulation measured.
public struct SimulationReport: Sendable {
    public let configuration: SimulationConfiguration
    /// Blocks mined, and how many of them ended off the best chain.
    public let mined: Int
    public let stale: Int
    /// Per node and per best-chain block: seconds from its mining until the node had it (the miner left out).
    public let delays: [Float]
    /// Blocks that did not reach every node by the end (none, unless messages were lost beyond recovery).
    public let unreached: Int
    /// Bytes every node sent, per node and per mined block.
    public let bytesPerNodePerBlock: Double
    /// Messages sent in all, and block messages that arrived at a node that had the block already.
    public let messages: Int
    public let duplicateBlocks: Int
    /// The virtual time of the last event.
    public let duration: Double

    init(_ simulation: NetworkSimulation) {
        configuration = simulation.configuration
        let nodes = configuration.nodes
        mined = simulation.blocks.count - 1
        // The best chain: back from the highest block (the first mined at that height).
        var best = 0
        for (index, block) in simulation.blocks.enumerated() where block.height > simulation.blocks[best].height {
            best = index
        }
        var onBest = Set<Int>()
        var cursor = best
        while cursor > 0 {
            onBest.insert(cursor)
            cursor = simulation.blocks[cursor].parent
        }
        stale = mined - onBest.count
        var delays: [Float] = []
        delays.reserveCapacity(onBest.count * (nodes - 1))
        var unreached = 0
        for block in onBest.sorted() {
            let minedAt = Float(simulation.blocks[block].minedAt)
            let row = block * nodes
            if (0..<nodes).contains(where: { simulation.arrival[row + $0] < 0 }) { unreached += 1 }
            for node in 0..<nodes where node != simulation.blocks[block].miner && simulation.arrival[row + node] >= 0 {
                delays.append(simulation.arrival[row + node] - minedAt)
            }
        }
        delays.sort()
        self.delays = delays
        self.unreached = unreached
        bytesPerNodePerBlock = Double(simulation.bytesSent.reduce(0, +)) / Double(nodes) / Double(max(1, mined))
        messages = simulation.messages
        duplicateBlocks = simulation.duplicateBlocks
        duration = simulation.now
    }

    /// The stale (orphan) rate: blocks mined off the best chain over blocks mined.
    public var staleRate: Double { mined == 0 ? 0 : Double(stale) / Double(mined) }

    /// The `q` quantile (0…1) of the propagation delays, in seconds.
    public func percentile(_ q: Double) -> Double {
        guard !delays.isEmpty else { return 0 }
        return Double(delays[min(delays.count - 1, Int((Double(delays.count) * q).rounded(.down)))])
    }

    public var meanDelay: Double { delays.isEmpty ? 0 : delays.reduce(0) { $0 + Double($1) } / Double(delays.count) }

    /// The stale rate that Decker and Wattenhofer's model predicts from the mean delay: a rival block appears
    /// while one propagates with probability 1 − e^(−delay / block time).
    public var predictedStaleRate: Double { 1 - exp(-meanDelay / configuration.blockTime) }

    /// The share of nodes that had a best-chain block `t` seconds after it was mined, at `points` times
    /// from 0 to `end` (default: the slowest delay): the curve of the SVG chart.
    public func reachCurve(points: Int = 60, upTo end: Double? = nil) -> [(seconds: Double, share: Double)] {
        guard let slowest = delays.last, slowest > 0 else { return [(0, 1)] }
        let end = end ?? Double(slowest)
        return (0...points).map { step in
            let t = end * Double(step) / Double(points)
            var low = 0, high = delays.count
            while low < high {
                let mid = (low + high) / 2
                if Double(delays[mid]) <= t { low = mid + 1 } else { high = mid }
            }
            return (t, Double(low) / Double(delays.count))
        }
    }

    /// One line per figure, for people.
    public var summary: String {
        let ms = { (seconds: Double) in String(format: "%.0f ms", seconds * 1_000) }
        return """
        nodes \(configuration.nodes), \(configuration.outbound) outbound each; block time \(configuration.blockTime) s; \
        latency \(ms(configuration.latency.lowerBound))–\(ms(configuration.latency.upperBound)); \
        loss \(String(format: "%.1f", configuration.loss * 100))%; block \(configuration.blockSize) bytes
        blocks mined: \(mined), stale: \(stale) (\(String(format: "%.2f", staleRate * 100))%; \
        predicted from the mean delay: \(String(format: "%.2f", predictedStaleRate * 100))%)
        propagation: p50 \(ms(percentile(0.5))), p90 \(ms(percentile(0.9))), p99 \(ms(percentile(0.99))), \
        mean \(ms(meanDelay)), slowest \(ms(Double(delays.last ?? 0)))
        bytes sent per node per block: \(Int(bytesPerNodePerBlock.rounded())); messages: \(messages); \
        duplicate blocks: \(duplicateBlocks); blocks that missed a node: \(unreached)
        """
    }

    /// The figures as CSV: a header line, then one line.
    public var csv: String {
        """
        nodes,outbound,block_time_s,latency_min_ms,latency_max_ms,loss,block_bytes,mined,stale,stale_rate,\
        predicted_stale_rate,p50_ms,p90_ms,p99_ms,mean_ms,bytes_per_node_per_block
        \(configuration.nodes),\(configuration.outbound),\(configuration.blockTime),\
        \(configuration.latency.lowerBound * 1_000),\(configuration.latency.upperBound * 1_000),\(configuration.loss),\
        \(configuration.blockSize),\(mined),\(stale),\(staleRate),\(predictedStaleRate),\(percentile(0.5) * 1_000),\
        \(percentile(0.9) * 1_000),\(percentile(0.99) * 1_000),\(meanDelay * 1_000),\(bytesPerNodePerBlock)

        """
    }
}
