import ObolCore
import Synchronization

/// Group admission for `MempoolActor.submit(_:)`: transfers verified on
/// their callers' tasks wait here, and the caller that finds no admission
/// running becomes the drainer. It takes everything waiting, admits it in
/// one actor call (one account read for all the senders), hands each caller
/// its result, and goes on until nothing waits. Many concurrent submissions
/// (a burst from peers or from the HTTP API) then cost a few actor calls,
/// not one each, and each caller still gets its own verdict, in arrival order.
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

    private let state = Mutex<(waiting: [(Transfer, Slot)], draining: Bool)>(([], false))

    /// Queues `transfer`. `drain` is true when the caller must run the
    /// admission (`take` until it returns nil).
    func arrive(_ transfer: Transfer) -> (slot: Slot, drain: Bool) {
        let slot = Slot()
        let drain = state.withLock { state in
            state.waiting.append((transfer, slot))
            defer { state.draining = true }
            return !state.draining
        }
        return (slot, drain)
    }

    /// Everything waiting, or nil (and the drain ends) when nothing is.
    func take() -> [(Transfer, Slot)]? {
        state.withLock { state in
            guard !state.waiting.isEmpty else {
                state.draining = false
                return nil
            }
            defer { state.waiting.removeAll(keepingCapacity: true) }
            return state.waiting
        }
    }
}
