import ObolCore
import Synchronization

/// Checks the stateless rules and the signatures of many transfers on
/// several cores: the part of mempool admission that needs no state.
enum TransferBatchChecker {
    /// Shared by the workers of one batch.
    private final class Progress: Sendable {
        let next = Atomic<Int>(0)
    }

    /// The rejections, by index in `transfers`; the rest passed.
    static func check(_ transfers: [Transfer], params: ChainParams, workers: Int) async -> [Int: MempoolRejection] {
        let workers = max(1, min(workers, transfers.count / 8))
        let progress = Progress()
        return await withTaskGroup(of: [Int: MempoolRejection].self) { group in
            for _ in 1..<workers {
                group.addTask { work(transfers, params: params, progress) }
            }
            var failures = work(transfers, params: params, progress)
            for await more in group { failures.merge(more) { first, _ in first } }
            return failures
        }
    }

    /// Takes batches of 16 from the shared counter until none are left.
    private static func work(_ transfers: [Transfer], params: ChainParams, _ progress: Progress) -> [Int: MempoolRejection] {
        var failures: [Int: MempoolRejection] = [:]
        while true {
            let start = progress.next.wrappingAdd(16, ordering: .relaxed).oldValue
            guard start < transfers.count else { return failures }
            for i in start..<min(start + 16, transfers.count) {
                let transfer = transfers[i]
                do {
                    try TransferRules.checkSanity(transfer, params: params)
                } catch {
                    failures[i] = .invalid(error)
                    continue
                }
                if !transfer.hasValidSignature { failures[i] = .invalid(.invalidSignature(transfer.id)) }
            }
        }
    }
}
