import Metrics
import ObolCore

/// What `MempoolActor` reports: its size, and every offered transfer's verdict.
struct MempoolMetrics: Sendable {
    private let transfers: Gauge
    private let bytes: Gauge
    private let admissions: DimensionedCounter

    init(factory: any MetricsFactory) {
        transfers = Gauge(label: "obol_mempool_transfers", factory: factory)
        bytes = Gauge(label: "obol_mempool_bytes", factory: factory)
        admissions = DimensionedCounter(label: "obol_mempool_admissions_total", dimension: "outcome",
                                        known: ["accepted"], factory: factory)
    }

    func size(count: Int, bytes total: Int) {
        transfers.record(count)
        bytes.record(total)
    }

    /// `accepted`, or the rejection's code (`nonce-gap`, `bad-signature`, …).
    func admission(_ result: Result<Hash256, MempoolRejection>) {
        switch result {
        case .success: admissions.increment("accepted")
        case let .failure(rejection): admissions.increment(rejection.code)
        }
    }
}
