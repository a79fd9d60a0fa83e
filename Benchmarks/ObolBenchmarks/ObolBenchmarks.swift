// Obol's benchmark suite (ordo-one/benchmark). Run from Benchmarks/ with ./run.sh.
//
// Every benchmark states its unit of work through `scalingFactor`, so the
// tool's per-item columns (wallClock, mallocCountTotal; pass --scale for
// per-iteration totals) read per hash, per signature or per transfer.
//
// Each benchmark also reports an exact items/s rate from the benchmark
// thread's CPU time ("Hash rate", "Signature rate", "Key rate", "Transfer rate"):
// - the tool records `throughput` as whole iterations per second, which is
//   coarse when one iteration is a million hashes or a 1,000-transfer block;
// - wall-clock time on a shared 2-core machine includes time spent waiting
//   for a core; thread CPU time does not (it still moves 10-25% when the
//   sibling hyperthread is busy, hence the ratios below).
//
// Swift paths with a C floor also report "Cost vs C reference (%)": each
// iteration first runs the C reference on the same items (outside the
// measured region), then the Swift path, and records 100 × Swift / C:
//   HeaderHash.swiftSHA256d    vs obol_sha256d on the encoded bytes (HeaderHash.cSHA256d)
//   Signature.verifyTransfer   vs secp256k1_ecdsa_verify, pre-parsed (Signature.verifyRaw)
//   Block.validate1000         vs secp256k1_ecdsa_verify of the block's 1,000 signatures
import Benchmark
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

let benchmarks: @Sendable () -> Void = {
    // A child process of `Limit.sync…memory` is a syncing node, not a benchmark run: it exits here.
    SyncChild.runIfRequested()

    Benchmark.defaultConfiguration = .init(
        metrics: [.throughput, .wallClock, .mallocCountTotal],
        warmupIterations: 1,
        maxDuration: .seconds(2),
        maxIterations: 1_000_000
    )

    registerHeaderHashBenchmarks()
    registerSignatureBenchmarks()
    registerBlockBenchmarks()
    registerEncodingBenchmarks()
    registerLimitBenchmarks()
    registerMempoolBenchmarks()
    registerNoiseBenchmarks()
    registerLinkBenchmarks()
    registerSyncBenchmarks()
    registerSyncSchedulingBenchmarks()
}

/// Exact items per second of thread CPU time, and the cost of a Swift path
/// relative to its C reference, as custom metrics.
enum Rate {
    static let hashes = rate("Hash rate, CPU time (#/s)")
    static let signatures = rate("Signature rate, CPU time (#/s)")
    static let keys = rate("Key rate, CPU time (#/s)")
    static let transfers = rate("Transfer rate, CPU time (#/s)")
    /// 100 × CPU time of the Swift path / CPU time of its C reference, both
    /// timed back to back in the same iteration on the same items, so a
    /// noisy machine moves both alike.
    static let versusC = BenchmarkMetric.custom("Cost vs C reference (%)", polarity: .prefersSmaller,
                                                useScalingFactor: false)

    private static func rate(_ name: String) -> BenchmarkMetric {
        .custom(name, polarity: .prefersLarger, useScalingFactor: false)
    }

    /// Standard metrics plus `rate` (and `versusC` when the benchmark has a C
    /// reference), in fixed units: hash rates in thousands (the table prints
    /// 1e7 and up in exponent form), everything else as plain counts.
    static func configuration(_ rate: BenchmarkMetric, scalingFactor: BenchmarkScalingFactor,
                              comparedWithC: Bool = false,
                              maxDuration: Duration = .seconds(2)) -> Benchmark.Configuration {
        var units: [BenchmarkMetric: BenchmarkUnits] = [rate: rate == hashes ? .kilo : .count]
        if comparedWithC { units[versusC] = .count }
        return .init(metrics: Benchmark.defaultConfiguration.metrics + units.keys.sorted { $0.description < $1.description },
                     units: units, scalingFactor: scalingFactor, maxDuration: maxDuration)
    }

    /// Runs `body`, which handles `items` items, and records items per CPU-second under `metric`.
    @inline(__always)
    static func measure<E: Error>(_ benchmark: Benchmark, _ metric: BenchmarkMetric, items: Int,
                                  _ body: () throws(E) -> Void) throws(E) {
        let start = threadCPUTime()
        try body()
        record(benchmark, metric, items: items, ns: threadCPUTime() - start)
    }

    /// Runs `reference` (the C floor, outside the tool's measured region), then
    /// `body` (the Swift path, measured), on the same `items` items; records
    /// the rate of `body` and its cost relative to `reference`.
    @inline(__always)
    static func compare<E: Error>(_ benchmark: Benchmark, _ metric: BenchmarkMetric, items: Int,
                                  reference: () -> Void, _ body: () throws(E) -> Void) throws(E) {
        let referenceStart = threadCPUTime()
        reference()
        let referenceNs = threadCPUTime() - referenceStart
        benchmark.startMeasurement()
        let start = threadCPUTime()
        try body()
        let ns = threadCPUTime() - start
        benchmark.stopMeasurement()
        record(benchmark, metric, items: items, ns: ns)
        if referenceNs > 0 { benchmark.measurement(versusC, Int((100 * Double(ns) / Double(referenceNs)).rounded())) }
    }

    @inline(__always)
    private static func record(_ benchmark: Benchmark, _ metric: BenchmarkMetric, items: Int, ns: Int) {
        if ns > 0 { benchmark.measurement(metric, Int((Double(items) * 1e9 / Double(ns)).rounded())) }
    }

    /// CPU time of the calling thread in nanoseconds (a clock_gettime system
    /// call, a few hundred ns: negligible against the work each call brackets).
    @inline(__always)
    static func threadCPUTime() -> Int {
        var ts = timespec()
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts)
        return ts.tv_sec * 1_000_000_000 + ts.tv_nsec
    }
}
