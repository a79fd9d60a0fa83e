import Benchmark
import CSHA256  // visible through ObolCore's dependency; the main package has no CSHA256 product
import ObolCore

/// One mining job with a target nothing meets (all zero), so a scan always
/// runs its whole range. Heap-allocated once, outside the measured region.
final class ScanJob {
    let job: UnsafeMutablePointer<obol_header_job>
    /// Each iteration scans fresh nonces (no kernel can short-cut a repeat).
    var nextNonce: UInt64 = 0

    init(header: BlockHeader) {
        job = .allocate(capacity: 1)
        let target = [UInt8](repeating: 0, count: 32)
        let bytes = header.encoded
        precondition(bytes.count == Int(OBOL_HEADER_SIZE))
        obol_header_job_init(job, bytes, target)
    }

    deinit { job.deallocate() }
}

/// A header's 96 bytes and a digest slot, for the C one-shot reference.
final class EncodedHeader {
    let bytes: UnsafeMutablePointer<UInt8>
    let out: UnsafeMutablePointer<UInt8>

    init(_ header: BlockHeader) {
        bytes = .allocate(capacity: Int(OBOL_HEADER_SIZE))
        out = .allocate(capacity: 32)
        let encoded = header.encoded
        precondition(encoded.count == Int(OBOL_HEADER_SIZE))
        bytes.initialize(from: encoded, count: encoded.count)
        out.initialize(repeating: 0, count: 32)
    }

    /// obol_sha256d of the header with each nonce in turn, patched in place.
    @inline(__always)
    func hashAll(nonces: Range<Int>) {
        for nonce in nonces {
            UnsafeMutableRawPointer(bytes).storeBytes(of: UInt64(nonce).littleEndian,
                                                      toByteOffset: Int(OBOL_HEADER_NONCE_OFFSET), as: UInt64.self)
            obol_sha256d(bytes, Int(OBOL_HEADER_SIZE), out)
            blackHole(out.pointee)
        }
    }

    deinit {
        bytes.deallocate()
        out.deallocate()
    }
}

/// Nonces per obol_scan call, as the miner does between cancellation checks.
private let scanChunk: UInt64 = 1 << 16

private func registerScan(_ name: String, kernel: obol_kernel) {
    // .mega: one iteration scans 1,000,000 nonces; throughput reads as hashes/s.
    Benchmark(name, configuration: Rate.configuration(Rate.hashes, scalingFactor: .mega, maxDuration: .seconds(3))) {
        benchmark, scan in
        let total = UInt64(benchmark.scaledIterations.count)
        let start = scan.nextNonce
        var found: UInt64 = 0
        var wins = 0
        Rate.measure(benchmark, Rate.hashes, items: Int(total)) {
            var done: UInt64 = 0
            while done < total {
                let count = min(scanChunk, total - done)
                wins += Int(obol_scan(scan.job, kernel, start + done, count, &found))
                done += count
            }
        }
        if wins != 0 { benchmark.error("nonce \(found) met an all-zero target") }
        scan.nextNonce = start + total
    } setup: {
        ScanJob(header: Fixtures.header)
    }
}

func registerHeaderHashBenchmarks() {
    // Every kernel this CPU can run (SCALAR is always available), then AUTO's choice.
    let kernels = [OBOL_KERNEL_SCALAR, OBOL_KERNEL_SHANI, OBOL_KERNEL_AVX2, OBOL_KERNEL_AVX512]
    for kernel in kernels where obol_kernel_available(kernel) == 1 {
        registerScan("HeaderHash." + String(cString: obol_kernel_name(kernel)), kernel: kernel)
    }
    registerScan("HeaderHash.best", kernel: obol_kernel_best())

    // Reference for the Swift path: obol_sha256d over the 96 encoded bytes,
    // nonce patched in place (no midstate, no allocation).
    Benchmark("HeaderHash.cSHA256d", configuration: Rate.configuration(Rate.hashes, scalingFactor: .kilo)) {
        benchmark, header in
        Rate.measure(benchmark, Rate.hashes, items: benchmark.scaledIterations.count) {
            header.hashAll(nonces: benchmark.scaledIterations)
        }
    } setup: {
        EncodedHeader(Fixtures.header)
    }

    // ObolCore's public path: BlockHeader.hash = encode (ByteWriter) + SHA256d,
    // compared in each iteration with obol_sha256d over the same 1,000 headers' bytes.
    Benchmark("HeaderHash.swiftSHA256d",
              configuration: Rate.configuration(Rate.hashes, scalingFactor: .kilo, comparedWithC: true)) {
        benchmark, encoded in
        var header = Fixtures.header
        Rate.compare(benchmark, Rate.hashes, items: benchmark.scaledIterations.count) {
            encoded.hashAll(nonces: benchmark.scaledIterations)
        } _: {
            for i in benchmark.scaledIterations {
                header.nonce = UInt64(i)
                blackHole(header.hash)
            }
        }
    } setup: {
        EncodedHeader(Fixtures.header)
    }
}
