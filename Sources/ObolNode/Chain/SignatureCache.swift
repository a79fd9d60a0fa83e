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
///
/// Entries live in two generations of at most `capacity / 2` each: when the
/// young one is full, it becomes the old one and the previous old one is
/// dropped. Eviction is O(1), memory stays within `capacity` entries, and the
/// most recent `capacity / 2` insertions are always kept.
public final class SignatureCache: Sendable {
    struct Key: Hashable {
        var id: Hash256
        var signature: Signature

        init(_ transfer: Transfer) {
            id = transfer.id
            signature = transfer.signature
        }
    }

    private struct Generations {
        var young = Set<Key>()
        var old = Set<Key>()

        func contains(_ key: Key) -> Bool { young.contains(key) || old.contains(key) }

        mutating func insert(_ key: Key, generationSize: Int) {
            guard !contains(key) else { return }
            if young.count >= generationSize {
                old = young
                young = Set(minimumCapacity: generationSize)
            }
            young.insert(key)
        }
    }

    private let entries = Mutex(Generations())
    public let capacity: Int
    private let generationSize: Int

    public init(capacity: Int = 200_000) {
        self.capacity = max(2, capacity)
        generationSize = self.capacity / 2
    }

    public func insert(_ transfer: Transfer) {
        let key = Key(transfer)
        entries.withLock { $0.insert(key, generationSize: generationSize) }
    }

    /// Inserts every transfer of `transfers` under one lock.
    public func insert(contentsOf transfers: some Sequence<Transfer>) {
        entries.withLock { cache in
            for transfer in transfers { cache.insert(Key(transfer), generationSize: generationSize) }
        }
    }

    public func contains(_ transfer: Transfer) -> Bool {
        let key = Key(transfer)
        return entries.withLock { $0.contains(key) }
    }

    /// The transfers of `block` that are not in the cache, in block order,
    /// looked up under one lock.
    public func unverifiedTransfers(of block: Block) -> [Transfer] {
        var missing = [Transfer]()
        entries.withLock { cache in
            for case let .transfer(transfer) in block.transactions where !cache.contains(Key(transfer)) {
                if missing.isEmpty { missing.reserveCapacity(block.transactions.count - 1) }
                missing.append(transfer)
            }
        }
        return missing
    }

    public var count: Int { entries.withLock { $0.young.count + $0.old.count } }
}

/// Verifies a block's signatures on all cores, skipping those in the cache;
/// newly verified ones are added to it.
///
/// The calling task and `workers - 1` child tasks take small batches of
/// signatures from a shared counter until none are left, so a worker that is
/// descheduled (a busy machine) holds up at most one batch. The first invalid
/// signature stops every worker after its current batch. Batches are taken
/// in block order and each is checked to its end (or its own first failure),
/// so the error always names the block's first invalid transfer.
public struct ParallelSignatureVerifier: BlockSignatureVerifier {
    public let cache: SignatureCache
    public let workers: Int

    public init(cache: SignatureCache = SignatureCache(), workers: Int = max(1, ProcessInfoCores.active)) {
        self.cache = cache
        self.workers = max(1, workers)
    }

    /// Shared by the workers of one block.
    private final class Progress: Sendable {
        let next = Atomic<Int>(0)
        /// Index of the first invalid signature found, or `Int.max`.
        let firstInvalid = Atomic<Int>(.max)
    }

    public func verifySignatures(of block: Block) async throws(ValidationError) {
        let pending = cache.unverifiedTransfers(of: block)
        guard !pending.isEmpty else { return }
        let workers = min(workers, (pending.count + 7) / 8)
        if workers <= 1 {
            for t in pending {
                guard t.hasValidSignature else { throw .invalidSignature(t.id) }
            }
        } else {
            // Batches small enough to balance the cores, large enough that the
            // shared counter is touched rarely (a verification is ~40 µs).
            let batch = max(1, min(16, pending.count / (workers * 8)))
            let progress = Progress()
            await withTaskGroup(of: Void.self) { group in
                for _ in 1..<workers {
                    group.addTask { Self.work(pending, batch: batch, progress) }
                }
                Self.work(pending, batch: batch, progress)
                await group.waitForAll()
            }
            let invalid = progress.firstInvalid.load(ordering: .acquiring)
            if invalid != .max { throw .invalidSignature(pending[invalid].id) }
        }
        cache.insert(contentsOf: pending)
    }

    private static func work(_ pending: [Transfer], batch: Int, _ progress: Progress) {
        let count = pending.count
        while progress.firstInvalid.load(ordering: .relaxed) == .max {
            let start = progress.next.wrappingAdd(batch, ordering: .relaxed).oldValue
            guard start < count else { return }
            for i in start..<min(start + batch, count) where !pending[i].hasValidSignature {
                progress.firstInvalid.min(i, ordering: .acquiringAndReleasing)
                return
            }
        }
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
