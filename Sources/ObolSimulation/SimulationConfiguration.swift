/// What `NetworkSimulation` simulates. Times are in seconds of virtual time.
public struct SimulationConfiguration: Sendable, Hashable {
    /// Nodes in the network; each dials `outbound` others chosen at random (one link per pair).
    public var nodes = 1_000
    public var outbound = 8
    /// The mean time between blocks (mining is a Poisson process; each block's miner is a node at random).
    public var blockTime = 10.0
    /// Blocks mined in the run.
    public var blocks = 100
    /// Each link's one-way latency, drawn uniformly from this range once per link.
    public var latency: ClosedRange<Double> = 0.05...0.3
    /// The chance that any one message is lost.
    public var loss = 0.01
    /// Bytes of a block on the wire (100 transfers: about 15 KB).
    public var blockSize = 15_000
    /// Each node's upload rate in bytes per second: the blocks it sends go out one after another.
    public var bandwidth = 1_250_000.0
    /// A requested block that has not arrived by then is asked of another peer that announced it.
    public var requestTimeout = 2.0
    public var seed: UInt64 = 1

    public init() {}

    /// The configuration's problems, one line each (empty when it can run).
    public var problems: [String] {
        var problems: [String] = []
        if nodes < 2 || nodes > 100_000 { problems.append("nodes must be from 2 to 100000") }
        if outbound < 1 || outbound >= nodes { problems.append("outbound must be from 1 to nodes - 1") }
        if !(blockTime > 0) { problems.append("the block time must be positive") }
        if blocks < 1 || blocks > 100_000 { problems.append("blocks must be from 1 to 100000") }
        if !(latency.lowerBound >= 0) || !latency.upperBound.isFinite { problems.append("latency must be a finite range from 0") }
        if !(loss >= 0 && loss < 1) { problems.append("loss must be from 0% to below 100%") }
        if blockSize < 1 { problems.append("the block size must be positive") }
        if !(bandwidth > 0) { problems.append("the bandwidth must be positive") }
        if !(requestTimeout > 0) { problems.append("the request timeout must be positive") }
        return problems
    }
}
