import Metrics
import ObolCore

/// What `ChainActor` reports: the heights, what became of each block, reorganizations and how long
/// validating a body took. Handles are made once, from the factory the chain was given.
struct ChainMetrics: Sendable {
    static let outcomes = ["connected", "side_branch", "orphan", "header_only", "duplicate", "invalid"]

    private let height: Gauge
    private let bestHeaderHeight: Gauge
    private let blocks: DimensionedCounter
    private let invalid: DimensionedCounter
    private let reorganizations: Counter
    private let reorganizationDepth: Recorder
    private let validation: Timer

    init(factory: any MetricsFactory) {
        height = Gauge(label: "obol_chain_height", factory: factory)
        bestHeaderHeight = Gauge(label: "obol_chain_best_header_height", factory: factory)
        blocks = DimensionedCounter(label: "obol_chain_blocks_total", dimension: "outcome", known: Self.outcomes,
                                    factory: factory)
        invalid = DimensionedCounter(label: "obol_chain_blocks_invalid_total", dimension: "code", factory: factory)
        reorganizations = Counter(label: "obol_chain_reorganizations_total", factory: factory)
        reorganizationDepth = Recorder(label: "obol_chain_reorganization_depth", aggregate: true, factory: factory)
        validation = Timer(label: "obol_chain_block_validation_seconds", factory: factory)
    }

    func heights(tip: UInt64, bestHeader: UInt64) {
        height.record(Int64(clamping: tip))
        bestHeaderHeight.record(Int64(clamping: bestHeader))
    }

    /// One block handed to the chain, and what became of it.
    func block(_ result: SubmitResult) {
        switch result {
        case .connected: blocks.increment("connected")
        case .sideBranch: blocks.increment("side_branch")
        case .orphan: blocks.increment("orphan")
        case .headerOnly: blocks.increment("header_only")
        case .duplicate: blocks.increment("duplicate")
        case let .invalid(rejection):
            blocks.increment("invalid")
            invalid.increment(rejection.code)
        }
    }

    /// The tip moved to another branch, `depth` blocks taken off the best chain.
    func reorganized(depth: Int) {
        reorganizations.increment()
        reorganizationDepth.record(depth)
    }

    /// A body's full validation (sanity, signatures, connecting) took `duration`.
    func validated(in duration: Duration) {
        validation.recordNanoseconds(duration.metricNanoseconds)
    }
}
