import Foundation
import ObolCore
import Synchronization

/// Measures this machine's hash rate with the miner's own kernel, and turns
/// a hash rate into the compact target for a wanted block time (`obol tune`).
public enum HashRateProbe {
    /// Hashes per second over `seconds`, with `threads` OS threads each
    /// scanning its own nonce range against a target nothing meets.
    public static func measure(threads: Int, seconds: Double) -> Double {
        let header = BlockHeader(height: 1, previousHash: .zero, merkleRoot: .zero, timestamp: 0,
                                 bits: CompactTarget(bits: 0x0300_0001))
        let scanner = HashScanner(header: header, target: .zero)
        let total = Atomic<UInt64>(0)
        let chunk: UInt64 = 1 << 18
        let start = Date()
        let deadline = start.addingTimeInterval(seconds)
        DispatchQueue.concurrentPerform(iterations: max(1, threads)) { worker in
            var nonce = UInt64(worker) << 48
            var done: UInt64 = 0
            while Date() < deadline {
                _ = scanner.scan(from: nonce, count: chunk)
                nonce &+= chunk
                done &+= chunk
            }
            total.add(done, ordering: .relaxed)
        }
        let elapsed = Date().timeIntervalSince(start)
        return Double(total.load(ordering: .relaxed)) / elapsed
    }

    /// The compact target at which `hashRate` finds a block every `blockSeconds`
    /// on average: target = (2^256 - 1) / (hashRate × blockSeconds).
    public static func bits(forHashRate hashRate: Double, blockSeconds: Double) -> CompactTarget {
        let expected = max(1, hashRate * blockSeconds)
        let hashes = expected >= Double(UInt64.max) ? UInt64.max : UInt64(expected)
        return CompactTarget(target: UInt256.max.quotientAndRemainder(dividingBy: max(1, hashes)).quotient)
    }
}
