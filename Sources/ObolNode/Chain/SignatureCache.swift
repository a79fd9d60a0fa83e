#if canImport(Glibc)
import Glibc
#endif
import ObolCore
import Synchronization

/// Transfers whose signatures were verified already (as Bitcoin Core's
/// signature cache): the mempool adds each transfer it admits, and block
/// validation skips the ones it finds here.
///
/// The key is the transfer id *and* its signature: the id leaves the
/// signature out, so a cached id alone would let a block carry the same
/// transfer with a forged signature.
public final class SignatureCache: Sendable {
    struct Key: Hashable {
        var id: Hash256
        var signature: Signature
    }

    private let entries = Mutex(Set<Key>())
    public let capacity: Int

    public init(capacity: Int = 200_000) { self.capacity = capacity }

    public func insert(_ transfer: Transfer) {
        let key = Key(id: transfer.id, signature: transfer.signature)
        entries.withLock { set in
            if set.count >= capacity {
                // Drop an arbitrary half: cheap, and a miss only costs a re-verification.
                var dropped = 0
                while dropped < capacity / 2, let any = set.first {
                    set.remove(any)
                    dropped += 1
                }
            }
            set.insert(key)
        }
    }

    public func contains(_ transfer: Transfer) -> Bool {
        let key = Key(id: transfer.id, signature: transfer.signature)
        return entries.withLock { $0.contains(key) }
    }

    public var count: Int { entries.withLock { $0.count } }
}

/// Verifies a block's signatures in parallel child tasks, skipping those in
/// the cache; newly verified ones are added to it.
public struct ParallelSignatureVerifier: BlockSignatureVerifier {
    public let cache: SignatureCache
    public let workers: Int

    public init(cache: SignatureCache = SignatureCache(), workers: Int = max(1, ProcessInfoCores.active)) {
        self.cache = cache
        self.workers = max(1, workers)
    }

    public func verifySignatures(of block: Block) async throws(ValidationError) {
        let pending = block.transfers.filter { !cache.contains($0) }
        guard !pending.isEmpty else { return }
        if pending.count < 16 || workers == 1 {
            for t in pending {
                guard t.hasValidSignature else { throw .invalidSignature(t.id) }
                cache.insert(t)
            }
            return
        }
        let chunk = (pending.count + workers - 1) / workers
        let failure: Hash256? = await withTaskGroup(of: Hash256?.self) { group in
            for start in stride(from: 0, to: pending.count, by: chunk) {
                let slice = pending[start..<min(start + chunk, pending.count)]
                group.addTask {
                    for t in slice where !t.hasValidSignature { return t.id }
                    return nil
                }
            }
            var first: Hash256?
            for await result in group where result != nil && first == nil {
                first = result
                group.cancelAll()
            }
            return first
        }
        if let failure { throw .invalidSignature(failure) }
        for t in pending { cache.insert(t) }
    }
}

/// Active processor cores, without importing Foundation into hot code.
public enum ProcessInfoCores {
    public static var active: Int {
        #if canImport(Glibc)
        return Int(sysconf(Int32(_SC_NPROCESSORS_ONLN)))
        #else
        return 1
        #endif
    }
}
