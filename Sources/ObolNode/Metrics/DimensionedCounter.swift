import Metrics
import Synchronization

/// A counter with one dimension whose values are known only at run time (a rejection's code): each
/// value's counter is made once, through the factory the owner was given, and kept.
final class DimensionedCounter: Sendable {
    let label: String
    let dimension: String
    private let factory: any MetricsFactory
    private let counters: Mutex<[String: Counter]>

    /// `known` values get their counter at once, so they are exported (at 0) before they first count.
    init(label: String, dimension: String, known: [String] = [], factory: any MetricsFactory) {
        self.label = label
        self.dimension = dimension
        self.factory = factory
        var made: [String: Counter] = [:]
        for value in known { made[value] = Counter(label: label, dimensions: [(dimension, value)], factory: factory) }
        counters = Mutex(made)
    }

    func increment(_ value: String, by amount: Int = 1) {
        let counter = counters.withLock { counters in
            if let counter = counters[value] { return counter }
            let counter = Counter(label: label, dimensions: [(dimension, value)], factory: factory)
            counters[value] = counter
            return counter
        }
        counter.increment(by: amount)
    }
}

extension Duration {
    /// The duration in whole nanoseconds, for `Timer.recordNanoseconds` (saturating; negative as 0).
    var metricNanoseconds: Int64 {
        let (seconds, attoseconds) = components
        guard seconds >= 0 else { return 0 }
        guard seconds < Int64.max / 1_000_000_000 else { return .max }
        return seconds * 1_000_000_000 + attoseconds / 1_000_000_000
    }
}
