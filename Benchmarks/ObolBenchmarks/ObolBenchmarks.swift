// Obol's benchmark suite (ordo-one/benchmark). Run from Benchmarks/ with ./run.sh.
//
// Every benchmark states its unit of work through `scalingFactor`, so the
// tool's per-item columns (wallClock, mallocCountTotal; pass --scale for
// per-iteration totals) read per hash, per signature or per transfer.
//
// Each benchmark also reports an exact items/s rate from the benchmark
// thread's CPU time ("Hash rate", "Signature rate", "Transfer rate"):
// - the tool records `throughput` as whole iterations per second, which is
//   coarse when one iteration is a million hashes or a 1,000-transfer block;
// - wall-clock time on a shared 2-core machine includes time spent waiting
//   for a core, while thread CPU time stays close to the unloaded figure.
//
// C references sit next to the Swift paths they bound, in the same run:
//   HeaderHash.cSHA256d  vs HeaderHash.swiftSHA256d    (Swift encode + hash overhead)
//   Signature.verifyRaw  vs Signature.verifyTransfer   (parse + digest overhead)
import Benchmark
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

let benchmarks: @Sendable () -> Void = {
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
}

/// Exact items per second of thread CPU time, as a custom metric.
enum Rate {
    static let hashes = metric("Hash rate, CPU time (#/s)")
    static let signatures = metric("Signature rate, CPU time (#/s)")
    static let transfers = metric("Transfer rate, CPU time (#/s)")

    private static func metric(_ name: String) -> BenchmarkMetric {
        .custom(name, polarity: .prefersLarger, useScalingFactor: false)
    }

    /// Standard metrics plus `rate`, shown as a plain count (not rounded to K/M).
    static func configuration(_ rate: BenchmarkMetric, scalingFactor: BenchmarkScalingFactor,
                              maxDuration: Duration = .seconds(2)) -> Benchmark.Configuration {
        .init(metrics: Benchmark.defaultConfiguration.metrics + [rate], units: [rate: .count],
              scalingFactor: scalingFactor, maxDuration: maxDuration)
    }

    /// Runs `body`, which handles `items` items, and records items per CPU-second under `metric`.
    @inline(__always)
    static func measure<E: Error>(_ benchmark: Benchmark, _ metric: BenchmarkMetric, items: Int,
                                  _ body: () throws(E) -> Void) throws(E) {
        let start = threadCPUTime()
        try body()
        let ns = threadCPUTime() - start
        if ns > 0 { benchmark.measurement(metric, Int((Double(items) * 1e9 / Double(ns)).rounded())) }
    }

    /// CPU time of the calling thread in nanoseconds (no allocation, no syscall on Linux's vDSO path).
    @inline(__always)
    static func threadCPUTime() -> Int {
        var ts = timespec()
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts)
        return ts.tv_sec * 1_000_000_000 + ts.tv_nsec
    }
}
