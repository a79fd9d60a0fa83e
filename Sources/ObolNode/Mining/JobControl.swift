import Synchronization

/// Shared between a job's async side and its worker threads: the flags the
/// workers poll between chunks, and how many nonces they scanned.
///
/// A job runs rounds of proof of work (one per extra nonce). Stopping the
/// job ends it for good; ending a round (a worker found a block) only stops
/// that round's other workers.
final class JobControl: Sendable {
    private let stop = Atomic<Bool>(false)
    private let roundOver = Atomic<Bool>(false)
    private let scanned = Atomic<UInt64>(0)
    /// `scanned` when the stop was first requested (`UInt64.max` until then).
    private let scannedAtStop = Atomic<UInt64>(.max)

    init() {}

    /// Asks the workers to stop after their current chunk. Idempotent; safe
    /// from any thread (also from a task cancellation handler).
    func requestStop() {
        // Read the counter before raising the flag, so that every chunk that
        // finishes after the flag is seen counts as scanned after the stop
        // (the measure errs on the high side).
        let snapshot = scanned.load(ordering: .acquiring)
        if scannedAtStop.compareExchange(expected: .max, desired: snapshot, ordering: .acquiringAndReleasing).exchanged {
            stop.store(true, ordering: .releasing)
        }
    }

    var isStopRequested: Bool { stop.load(ordering: .acquiring) }

    /// Stops the other workers of the current round.
    func endRound() { roundOver.store(true, ordering: .releasing) }

    /// Called before a round's workers start.
    func beginRound() { roundOver.store(false, ordering: .releasing) }

    /// What the workers poll: the job was stopped or the round is over.
    var shouldStopScanning: Bool {
        stop.load(ordering: .acquiring) || roundOver.load(ordering: .acquiring)
    }

    /// Called by a worker after each chunk.
    func addScanned(_ count: UInt64) {
        scanned.wrappingAdd(count, ordering: .acquiringAndReleasing)
    }

    /// Nonces scanned by every worker of this job so far.
    var noncesScanned: UInt64 { scanned.load(ordering: .acquiring) }

    /// Nonces scanned after the stop was requested (0 when it was not).
    var noncesScannedAfterStop: UInt64 {
        let atStop = scannedAtStop.load(ordering: .acquiring)
        guard atStop != .max else { return 0 }
        return noncesScanned &- atStop
    }
}
