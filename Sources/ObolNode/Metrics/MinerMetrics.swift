import Metrics

/// What the `Miner` reports: hashes done, and the rate over `HashRateMeter`'s window (set when the meter
/// takes a sample, at most every 250 ms: never per hash).
struct MinerMetrics: Sendable {
    private let hashes: Counter
    private let hashRate: Gauge

    init(factory: any MetricsFactory) {
        hashes = Counter(label: "obol_miner_hashes_total", factory: factory)
        hashRate = Gauge(label: "obol_miner_hash_rate", factory: factory)
    }

    /// A worker finished a chunk of `count` hashes; `rate` is set when the meter sampled.
    func hashed(_ count: UInt64, rate: Double?) {
        hashes.increment(by: Int64(clamping: count))
        if let rate { hashRate.record(rate) }
    }

    /// No job runs any more.
    func stopped() { hashRate.record(0) }
}
