import CSHA256
import ObolCore

/// Proof-of-work search over one header: the header's first 64 bytes are
/// compressed once into a midstate, and every nonce then costs one
/// compression plus the second hash, in the C kernels (`obol_scan`).
///
/// A plain value: copy it to each worker thread. Scanning allocates nothing.
public struct HashScanner: Sendable {
    /// The C job: midstate, header tail and target. Plain integers, so the
    /// imported struct is a Sendable value.
    private let job: obol_header_job

    /// The header the scanner was built from (its nonce is ignored).
    public let header: BlockHeader
    public let target: UInt256

    /// A scanner for `header` against the target its bits encode, or nil when
    /// the bits do not decode to a target.
    public init?(header: BlockHeader) {
        guard let target = header.bits.target else { return nil }
        self.init(header: header, target: target)
    }

    /// A scanner for `header` against an explicit `target`.
    public init(header: BlockHeader, target: UInt256) {
        self.header = header
        self.target = target
        var job = obol_header_job()
        let encoded = header.encoded
        precondition(encoded.count == BlockHeader.size, "a header encodes to exactly \(BlockHeader.size) bytes")
        let targetBytes = target.littleEndianBytes
        encoded.withUnsafeBufferPointer { headerBytes in
            targetBytes.withUnsafeBufferPointer { targetLE in
                obol_header_job_init(&job, headerBytes.baseAddress!, targetLE.baseAddress!)
            }
        }
        self.job = job
    }

    /// Scans `count` nonces from `start` (clamped so the range never wraps
    /// past `UInt64.max`) and returns the first one whose header hash meets
    /// the target, or nil.
    public func scan(from start: UInt64, count: UInt64) -> UInt64? {
        var count = count
        if start > 0, count > UInt64.max - start + 1 { count = UInt64.max - start + 1 }
        guard count > 0 else { return nil }
        var found: UInt64 = 0
        let hit = withUnsafePointer(to: job) { job in
            obol_scan(job, OBOL_KERNEL_AUTO, start, count, &found)
        }
        return hit == 1 ? found : nil
    }

    /// The block hash of the header with `nonce`, through the midstate.
    public func hash(nonce: UInt64) -> Hash256 {
        var out = Hash256.zero
        withUnsafePointer(to: job) { job in
            out.withUnsafeMutableBytes { dst in
                obol_header_job_hash(job, nonce, dst.baseAddress!.assumingMemoryBound(to: UInt8.self))
            }
        }
        return out
    }

    /// Whether the header with `nonce` meets the target.
    public func meetsTarget(nonce: UInt64) -> Bool {
        hash(nonce: nonce).numericValue <= target
    }

    /// The name of the kernel `obol_scan` picks on this CPU ("scalar", "sha-ni", ...).
    public static var kernelName: String { String(cString: obol_kernel_name(obol_kernel_best())) }
}
