import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// One chunk a worker is about to scan (reported to the test hook).
struct ScanChunk: Sendable, Hashable {
    var jobID: Int
    var extraNonce: UInt64
    var worker: Int
    var start: UInt64
    var count: UInt64
}

/// How one worker's scan ended.
enum WorkerOutcome: Sendable, Equatable {
    case found(UInt64)
    /// Every nonce of its slice was scanned without a hit.
    case exhausted
    /// The job asked it to stop.
    case stopped
}

/// The proof-of-work hash loop of one worker. It runs on its own OS thread,
/// never on the Swift cooperative pool, so a long scan cannot starve the
/// actors; the async caller waits on a continuation.
enum MiningWorker {
    /// Nonces scanned between two looks at the stop flag.
    static let chunkSize: UInt64 = 1 << 16

    struct Assignment: Sendable {
        var scanner: HashScanner
        var slice: ClosedRange<UInt64>
        var worker: Int
        var jobID: Int
        var extraNonce: UInt64
        var lowPriority: Bool
    }

    /// Starts the hash loop on a new thread and returns when it ends.
    static func run(_ assignment: Assignment, control: JobControl,
                    progress: @escaping @Sendable (UInt64) -> Void,
                    observer: (@Sendable (ScanChunk) -> Void)?) async -> WorkerOutcome {
        await withCheckedContinuation { (continuation: CheckedContinuation<WorkerOutcome, Never>) in
            let thread = Thread {
                if assignment.lowPriority { lowerCurrentThreadPriority() }
                let outcome = scan(assignment, control: control, progress: progress, observer: observer)
                continuation.resume(returning: outcome)
            }
            thread.name = "obol-miner-\(assignment.worker)"
            thread.start()
        }
    }

    /// The loop itself: chunks of `chunkSize` nonces through the C kernel,
    /// checking the stop flag between chunks. Allocates nothing per nonce.
    static func scan(_ assignment: Assignment, control: JobControl,
                     progress: (UInt64) -> Void, observer: ((ScanChunk) -> Void)?) -> WorkerOutcome {
        let scanner = assignment.scanner
        var next = assignment.slice.lowerBound
        let last = assignment.slice.upperBound
        while !control.shouldStopScanning {
            let remaining = last - next  // nonces left after `next`
            let count = remaining >= chunkSize ? chunkSize : remaining + 1
            observer?(ScanChunk(jobID: assignment.jobID, extraNonce: assignment.extraNonce,
                                worker: assignment.worker, start: next, count: count))
            // A test hook may hold the worker here: look at the flag again.
            if observer != nil, control.shouldStopScanning { break }
            if let nonce = scanner.scan(from: next, count: count) {
                let done = nonce - next + 1
                control.addScanned(done)
                progress(done)
                return .found(nonce)
            }
            control.addScanned(count)
            progress(count)
            if count > remaining { return .exhausted }
            next += count
        }
        return .stopped
    }

    /// Raises the calling thread's nice value, so the node's own threads
    /// (actors, networking) win the CPU whenever they have work.
    private static func lowerCurrentThreadPriority() {
        #if os(Linux)
        // The nice value is per thread on Linux, and `who == 0` is the calling thread.
        _ = setpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0, 10)
        #endif
    }
}
