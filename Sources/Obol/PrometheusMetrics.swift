import Metrics
import Prometheus

/// The node's metrics in Prometheus: a registry, the swift-metrics factory that fills it (with histogram
/// buckets suited to the node's histograms), and `emit()`, the text `GET /metrics` answers with.
///
/// ```swift
/// let prometheus = PrometheusMetrics()
/// MetricsSystem.bootstrap(prometheus.factory)           // the whole process (as `obol node` does), or
/// configuration.metrics = prometheus.factory            // this node only
/// let api = APIServer(node: node, metrics: prometheus.emit)
/// ```
public struct PrometheusMetrics: Sendable {
    public let registry: PrometheusCollectorRegistry
    public let factory: PrometheusMetricsFactory

    /// Seconds: a block's validation and a store batch's write run from about a millisecond to seconds.
    static let durationBuckets: [Duration] = [
        .microseconds(500), .milliseconds(1), .microseconds(2500), .milliseconds(5), .milliseconds(10),
        .milliseconds(25), .milliseconds(50), .milliseconds(100), .milliseconds(250), .milliseconds(500),
        .seconds(1), .milliseconds(2500), .seconds(5), .seconds(10),
    ]

    public init(registry: PrometheusCollectorRegistry = PrometheusCollectorRegistry()) {
        self.registry = registry
        var factory = PrometheusMetricsFactory(registry: registry)
        factory.valueHistogramBuckets["obol_chain_reorganization_depth"] = [1, 2, 3, 4, 6, 10, 20, 50, 100]
        factory.durationHistogramBuckets["obol_chain_block_validation_seconds"] = Self.durationBuckets
        factory.durationHistogramBuckets["obol_store_flush_seconds"] = Self.durationBuckets
        self.factory = factory
    }

    /// Everything in the registry, in the Prometheus text exposition format (0.0.4).
    public func emit() -> String { registry.emitToString() }
}
