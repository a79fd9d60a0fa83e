import ObolCore
import Synchronization

/// Transfers waiting for admission by `MempoolActor`, verified on their
/// callers' tasks. Who admits them:
///
/// - While the mempool's `run` loop is attached (`attachLoop`), the loop does:
///   callers enqueue, the loop is woken and admits everything waiting in one
///   actor call (one account read for all the senders), between chain events,
///   and each caller awaits its own verdict. Under sustained relay no
///   submitter's task does anyone else's admission.
/// - With no loop (an embedder or a test that drives the actor by hand), the
///   caller that finds nobody admitting becomes the drainer: it admits
///   everything waiting, repeatedly, until nothing waits (`take` returns nil).
///
/// Either way a burst of concurrent submissions costs a few actor calls, not
/// one each, and verdicts follow arrival order.
final class AdmissionQueue: Sendable {
    typealias Verdict = Result<Hash256, MempoolRejection>

    /// One caller's verdict, delivered once.
    final class Slot: Sendable {
        private let state = Mutex<(verdict: Verdict?, waiter: CheckedContinuation<Verdict, Never>?)>((nil, nil))

        func deliver(_ verdict: Verdict) {
            let waiter = state.withLock { state in
                guard let waiter = state.waiter else {
                    state.verdict = verdict
                    return nil as CheckedContinuation<Verdict, Never>?
                }
                state.waiter = nil
                return waiter
            }
            waiter?.resume(returning: verdict)
        }

        var verdict: Verdict {
            get async {
                await withCheckedContinuation { continuation in
                    let ready = state.withLock { state -> Verdict? in
                        if let verdict = state.verdict { return verdict }
                        state.waiter = continuation
                        return nil
                    }
                    if let ready { continuation.resume(returning: ready) }
                }
            }
        }
    }

    struct Waiting: Sendable {
        var transfer: Transfer
        var origin: Origin
        var slot: Slot
    }

    private struct State {
        var waiting: [Waiting] = []
        /// A caller (no loop) is admitting.
        var draining = false
        /// Wakes the attached loop; nil when none is attached.
        var loop: AsyncStream<Void>.Continuation?
    }

    private let state = Mutex(State())

    /// Queues `transfers` (in order, together). `drain` is true when the
    /// caller must run the admission itself (`take` until it returns nil): no
    /// loop is attached and no other caller is draining.
    func arrive(_ transfers: [(Transfer, Origin)]) -> (slots: [Slot], drain: Bool) {
        let slots = transfers.map { _ in Slot() }
        let (drain, loop) = state.withLock { state in
            for ((transfer, origin), slot) in zip(transfers, slots) {
                state.waiting.append(Waiting(transfer: transfer, origin: origin, slot: slot))
            }
            if let loop = state.loop { return (false, loop as AsyncStream<Void>.Continuation?) }
            defer { state.draining = true }
            return (!state.draining, nil)
        }
        loop?.yield()
        return (slots, drain)
    }

    /// Queues one transfer (see `arrive(_:)`).
    func arrive(_ transfer: Transfer, origin: Origin = .local) -> (slot: Slot, drain: Bool) {
        let (slots, drain) = arrive([(transfer, origin)])
        return (slots[0], drain)
    }

    /// Everything waiting, or nil (and a caller's drain ends) when nothing is.
    func take() -> [Waiting]? {
        state.withLock { state in
            guard !state.waiting.isEmpty else {
                state.draining = false
                return nil
            }
            defer { state.waiting.removeAll(keepingCapacity: true) }
            return state.waiting
        }
    }

    /// Makes the caller (the mempool's `run` loop) the one that admits: the
    /// stream yields whenever transfers wait (at once if some already do).
    /// Returns nil when a loop is attached already.
    func attachLoop() -> AsyncStream<Void>? {
        let (wakeups, continuation) = AsyncStream<Void>.makeStream(bufferingPolicy: .bufferingNewest(1))
        let attached = state.withLock { state -> Bool in
            guard state.loop == nil else { return false }
            state.loop = continuation
            if !state.waiting.isEmpty { continuation.yield() }
            return true
        }
        return attached ? wakeups : nil
    }

    /// The loop stops admitting. Returns true when transfers wait and no caller
    /// is draining: the loop must then drain them itself (`take` until nil),
    /// like a caller would; later arrivals drain inline.
    func detachLoop() -> Bool {
        let (loop, drain) = state.withLock { state in
            defer { state.loop = nil }
            guard !state.waiting.isEmpty, !state.draining else { return (state.loop, false) }
            state.draining = true
            return (state.loop, true)
        }
        loop?.finish()
        return drain
    }
}
