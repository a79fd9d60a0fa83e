import Metrics

/// Block validation's look-ups in the `SignatureCache`: transfers whose signature was verified already
/// (hits, mostly by the mempool) and those it had to verify (misses). Counted once per looked-up batch.
struct SignatureCacheMetrics: Sendable {
    private let hits: Counter
    private let misses: Counter

    init(factory: any MetricsFactory) {
        hits = Counter(label: "obol_signature_cache_hits_total", factory: factory)
        misses = Counter(label: "obol_signature_cache_misses_total", factory: factory)
    }

    func lookedUp(hits hitCount: Int, misses missCount: Int) {
        if hitCount > 0 { hits.increment(by: hitCount) }
        if missCount > 0 { misses.increment(by: missCount) }
    }
}
