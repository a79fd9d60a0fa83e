import Metrics

/// What the `StoreWriter` reports: writes waiting for the store, and how long each batch took to write.
struct StoreMetrics: Sendable {
    private let backlog: Gauge
    private let flush: Timer
    private let failures: Counter

    init(factory: any MetricsFactory) {
        backlog = Gauge(label: "obol_store_write_backlog", factory: factory)
        flush = Timer(label: "obol_store_flush_seconds", factory: factory)
        failures = Counter(label: "obol_store_write_failures_total", factory: factory)
    }

    func queued(_ count: Int) { backlog.record(count) }

    func wroteBatch(in duration: Duration) { flush.recordNanoseconds(duration.metricNanoseconds) }

    func failedBatch() { failures.increment() }
}
