#if canImport(Glibc)
import Glibc
#endif
import Metrics
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

        /// Room for `count` more entries in the young generation, so a
        /// block's worth of inserts does not grow the set step by step.
        mutating func reserve(_ count: Int, generationSize: Int) {
            let wanted = min(young.count + count, generationSize)
            if young.capacity < wanted { young.reserveCapacity(wanted) }
        }

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
    private let metrics: SignatureCacheMetrics

    /// `metrics` makes the hit and miss counters of block validation's look-ups (`docs/OPERATIONS.md`).
    public init(capacity: Int = 200_000, metrics: any MetricsFactory = MetricsSystem.factory) {
        self.capacity = max(2, capacity)
        generationSize = self.capacity / 2
        self.metrics = SignatureCacheMetrics(factory: metrics)
    }

    public func insert(_ transfer: Transfer) {
        let key = Key(transfer)
        entries.withLock { $0.insert(key, generationSize: generationSize) }
    }

    /// Inserts every transfer of `transfers` under one lock.
    public func insert(contentsOf transfers: some Collection<Transfer>) {
        entries.withLock { cache in
            cache.reserve(transfers.count, generationSize: generationSize)
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
        unverified(block.transactions, in: block.transactions.indices).map(\.transfer)
    }

    /// The transfers among `transactions[range]` that are not in the cache,
    /// with their indices, in order, looked up under one lock.
    public func unverified(_ transactions: [Transaction], in range: Range<Int>) -> [(index: Int, transfer: Transfer)] {
        var missing = [(index: Int, transfer: Transfer)]()
        var transfers = 0
        entries.withLock { cache in
            for index in range {
                guard case let .transfer(transfer) = transactions[index] else { continue }
                transfers += 1
                guard !cache.contains(Key(transfer)) else { continue }
                if missing.isEmpty { missing.reserveCapacity(range.count) }
                missing.append((index, transfer))
            }
        }
        metrics.lookedUp(hits: transfers - missing.count, misses: missing.count)
        return missing
    }

    public var count: Int { entries.withLock { $0.young.count + $0.old.count } }
}

/// Verifies a block's signatures on all cores, skipping those in the cache;
/// newly verified ones are added to it.
///
/// The calling task and `workers - 1` child tasks take small batches of the
/// block's transfers from a shared counter until none are left, so a worker
/// that is descheduled (a busy machine) holds up at most one batch. Each
/// batch looks the cache up and adds what it verified under one lock each,
/// so nothing runs on one core alone before or after the parallel part. The
/// first invalid signature stops every worker after its current batch.
/// Batches are taken in block order and each is checked to its end (or its
/// own first failure), so the error always names the block's first invalid
/// transfer. The cache only ever holds signatures that verified; those of a
/// refused block that did verify stay in it.
///
/// `checkSanityAndSignatures` runs the block's stateless rules on the
/// calling task while the child tasks already verify, then joins them: a
/// sanity failure stops the workers after their current batch and is the
/// error reported.
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
        /// Set when the block failed another rule: the signatures no longer matter.
        let abandoned = Atomic<Bool>(false)

        var shouldStop: Bool {
            firstInvalid.load(ordering: .relaxed) != .max || abandoned.load(ordering: .relaxed)
        }
    }

    public func verifySignatures(of block: Block) async throws(ValidationError) {
        try await verify(block, sanity: nil)
    }

    public func checkSanityAndSignatures(of block: Block, params: ChainParams) async throws(ValidationError) {
        try await verify(block) { () throws(ValidationError) in try BlockValidator.checkSanity(block, params: params) }
    }

    private func verify(_ block: Block, sanity: (() throws(ValidationError) -> Void)?) async throws(ValidationError) {
        let transactions = block.transactions
        let workers = min(workers, (transactions.count + 7) / 8)
        guard workers > 1 else {
            try sanity?()
            let pending = cache.unverifiedTransfers(of: block)
            for t in pending {
                guard t.hasValidSignature else { throw .invalidSignature(t.id) }
            }
            cache.insert(contentsOf: pending)
            return
        }
        let progress = Progress()
        let cache = cache
        var sanityError: ValidationError?
        await withTaskGroup(of: Void.self) { group in
            for _ in 1..<workers {
                group.addTask { Self.work(transactions, workers: workers, cache: cache, progress) }
            }
            do throws(ValidationError) {
                try sanity?()
                Self.work(transactions, workers: workers, cache: cache, progress)
            } catch {
                sanityError = error
                progress.abandoned.store(true, ordering: .relaxed)
            }
            await group.waitForAll()
        }
        if let sanityError { throw sanityError }
        let invalid = progress.firstInvalid.load(ordering: .acquiring)
        if invalid != .max { throw .invalidSignature(transactions[invalid].id) }
    }

    /// Takes batches until none are left. A batch is an eighth of each
    /// worker's share of what is left, at most 16 transactions (the counter
    /// and the cache lock are touched rarely: one verification is ~40 µs) and
    /// at least 1 (the last batches are small, so the workers finish together).
    private static func work(_ transactions: [Transaction], workers: Int, cache: SignatureCache,
                             _ progress: Progress) {
        let count = transactions.count
        while !progress.shouldStop {
            var start = progress.next.load(ordering: .relaxed)
            var end: Int
            repeat {
                guard start < count else { return }
                end = start + max(1, min(16, (count - start) / (workers * 8)))
                let (exchanged, current) = progress.next.compareExchange(expected: start, desired: end,
                                                                         ordering: .relaxed)
                if exchanged { break }
                start = current
            } while true
            let pending = cache.unverified(transactions, in: start..<end)
            var verified = 0
            while verified < pending.count, pending[verified].transfer.hasValidSignature { verified += 1 }
            cache.insert(contentsOf: pending[..<verified].lazy.map(\.transfer))
            if verified < pending.count {
                progress.firstInvalid.min(pending[verified].index, ordering: .acquiringAndReleasing)
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
