import Foundation
import Logging
import Metrics
import ObolCore

/// Applies a `ChainStore`'s writes off the caller's thread (a serial
/// dispatch queue: writes block on the disk, so they stay out of Swift's
/// cooperative pool), in the order they were queued, so that the chain actor
/// never waits for the disk: validating the next block overlaps with writing
/// the last ones.
///
/// - Order: writes reach the store in queue order, each batch (everything
///   queued when the queue gets to it) as one `ChainStore.write` call, which
///   `SQLiteChainStore` makes one transaction. The store always holds a
///   prefix of the queue.
/// - Reads: `block` and `undo` see queued writes before the store does.
/// - Failure: a batch that fails stays at the head of the queue and is tried
///   again after `retryInterval`, or at once by `drain()`, which throws the
///   error while the store keeps failing. Nothing queued is dropped.
/// - Lifetime: writes queued before the writer is released are still
///   written; once released, a failing store gets one more attempt, at once.
public final class StoreWriter: Sendable {
    public let store: any ChainStore
    private let shared: Shared

    /// `metrics` makes the write backlog and flush-time metrics (`docs/OPERATIONS.md`).
    public init(store: any ChainStore, retryInterval: Duration = .milliseconds(250),
                logger: Logger = Logger(label: "obol.store"), metrics: any MetricsFactory = MetricsSystem.factory) {
        self.store = store
        shared = Shared(store: store, retryInterval: retryInterval, logger: logger,
                        metrics: StoreMetrics(factory: metrics))
    }

    /// Writes still queued get one more attempt at once, even if a failed
    /// batch was waiting for its retry time.
    deinit {
        shared.locked { $0.closed = true }
        shared.schedule(retryNow: true)
    }

    // MARK: Writing

    /// Queues `writes` and returns at once.
    public func enqueue(_ writes: StoreWrite...) { enqueue(contentsOf: writes) }

    public func enqueue(contentsOf writes: [StoreWrite]) {
        guard !writes.isEmpty else { return }
        let metrics = shared.metrics
        // Set under the lock, so that the gauge never shows an older count last.
        shared.locked { state in
            state.append(writes)
            metrics.queued(state.queue.count)
        }
        shared.schedule(retryNow: false)
    }

    /// Waits until everything queued before the call is in the store. A batch
    /// that failed is tried again at once (unless an attempt is under way);
    /// the error of the next attempt that fails is thrown. It waits for the
    /// store however long a write takes: cancelling the task does not end it.
    public func drain() async throws {
        try await wait(forBacklogAtMost: 0, retryNow: true)
    }

    /// Waits until at most `limit` writes are waiting, without hurrying a
    /// retry: backpressure for a producer that runs ahead of the disk.
    /// Throws the store's error if a write fails meanwhile.
    public func waitForRoom(limit: Int) async throws {
        try await wait(forBacklogAtMost: limit, retryNow: false)
    }

    private func wait(forBacklogAtMost limit: Int, retryNow: Bool) async throws {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            let ready: Bool = shared.locked { state in
                let target = state.nextSequence - 1 - UInt64(min(max(0, limit), state.queue.count))
                guard state.written < target else { return true }
                state.waiters.append((target, continuation))
                return false
            }
            if ready {
                continuation.resume()
            } else if retryNow {
                shared.schedule(retryNow: true)
            }
        }
    }

    /// Writes queued and not yet in the store.
    public var backlog: Int { shared.locked { $0.queue.count } }

    /// The error of the last attempt, while the head of the queue keeps failing.
    public var failure: (any Error)? { shared.locked { $0.failure } }

    // MARK: Reading through the queue

    /// The body of `hash`, queued or stored.
    public func block(_ hash: Hash256) throws -> Block? {
        let (queued, pruned) = shared.locked { ($0.bodies[hash]?.block, $0.pruned[hash] != nil) }
        if let queued { return queued }
        return pruned ? nil : try store.block(hash)
    }

    /// The outline of `hash`'s body, queued or stored.
    public func outline(_ hash: Hash256) throws -> BlockOutline? {
        let (queued, pruned) = shared.locked { ($0.bodies[hash]?.block, $0.pruned[hash] != nil) }
        if let queued { return BlockOutline(queued) }
        return pruned ? nil : try store.outline(hash)
    }

    /// What the tip moves still queued change in the store's transaction and
    /// address indexes: the blocks they connect, in queue order, and the
    /// hashes of the blocks they disconnect (whose entries the store still has).
    public func queuedTipMoves() -> (connected: [Block], disconnected: Set<Hash256>) {
        shared.locked { state in
            var connected: [Block] = []
            var disconnected = Set<Hash256>()
            for case let (_, .tip(update)) in state.queue {
                for block in update.disconnected { disconnected.insert(block.hash) }
                connected += update.connected.map(\.block)
            }
            return (connected, disconnected)
        }
    }

    // MARK: Reading off the caller's thread

    /// Where store reads run: concurrent, so reads do not wait for each
    /// other nor for the writes' serial queue.
    private static let readers = DispatchQueue(label: "obol.store-reader", attributes: .concurrent)

    /// Runs `read` on a concurrent dispatch queue and resumes the caller with
    /// its result: a disk read blocks neither the actor it was called from
    /// nor a thread of Swift's cooperative pool (only a few there are).
    public func read<T: Sendable>(_ read: @escaping @Sendable (StoreWriter) throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<T, any Error>) in
            Self.readers.async { continuation.resume(with: Result { try read(self) }) }
        }
    }

    /// `block(_:)` off the caller's thread; a body still queued is answered at once.
    public func readBlock(_ hash: Hash256) async throws -> Block? {
        if let queued = shared.locked({ $0.bodies[hash]?.block }) { return queued }
        return try await read { try $0.block(hash) }
    }

    /// The undo data of `hash`, queued or stored.
    public func undo(_ hash: Hash256) throws -> BlockUndo? {
        let (queued, pruned) = shared.locked { ($0.undo[hash]?.undo, $0.pruned[hash] != nil) }
        if let queued { return queued }
        return pruned ? nil : try store.undo(hash)
    }
}

// MARK: - The queue

private struct WriterState {
    var queue: [(sequence: UInt64, write: StoreWrite)] = []
    var nextSequence: UInt64 = 1
    /// Every write numbered up to this one is in the store.
    var written: UInt64 = 0
    /// Bodies and undo data of queued writes, by block, with the number of the write.
    var bodies: [Hash256: (sequence: UInt64, block: Block)] = [:]
    var undo: [Hash256: (sequence: UInt64, undo: BlockUndo)] = [:]
    /// Blocks whose body and undo data a queued prune drops.
    var pruned: [Hash256: UInt64] = [:]
    var failure: (any Error)?
    /// A write job is queued or running.
    var running = false
    /// Counts failed attempts: a delayed retry runs only if no attempt came after the one it follows.
    var failures: UInt64 = 0
    var closed = false
    /// Each resumed once `written` reaches its number, or with the next failure.
    var waiters: [(target: UInt64, continuation: CheckedContinuation<Void, any Error>)] = []

    mutating func append(_ writes: [StoreWrite]) {
        for write in writes {
            let sequence = nextSequence
            nextSequence += 1
            queue.append((sequence, write))
            switch write {
            case let .block(block, entry):
                // The body shows again at once; undo data a queued prune drops stays hidden.
                bodies[entry.hash] = (sequence, block)
            case let .tip(update): for (block, data) in update.connected { undo[block.hash] = (sequence, data) }
            case let .prune(hashes), let .remove(hashes):
                for hash in hashes {
                    bodies[hash] = nil
                    undo[hash] = nil
                    pruned[hash] = sequence
                }
            case .status, .header: break
            }
        }
    }

    /// The first `count` writes are in the store: drops them and what they
    /// held for readers, and returns the waiters that are done.
    mutating func wrote(_ count: Int) -> [CheckedContinuation<Void, any Error>] {
        for (sequence, write) in queue.prefix(count) {
            switch write {
            case let .block(_, entry) where bodies[entry.hash]?.sequence == sequence: bodies[entry.hash] = nil
            case let .tip(update):
                for (block, _) in update.connected where undo[block.hash]?.sequence == sequence {
                    undo[block.hash] = nil
                }
            case let .prune(hashes), let .remove(hashes):
                for hash in hashes where pruned[hash] == sequence { pruned[hash] = nil }
            default: break
            }
        }
        written = queue[count - 1].sequence
        queue.removeFirst(count)
        failure = nil
        let done = waiters.filter { $0.target <= written }
        waiters.removeAll { $0.target <= written }
        return done.map(\.continuation)
    }

    /// A failed attempt: every waiter gets the error.
    mutating func failed(_ error: any Error) -> [CheckedContinuation<Void, any Error>] {
        failure = error
        failures += 1
        running = false
        defer { waiters.removeAll() }
        return waiters.map(\.continuation)
    }
}

private final class Shared: @unchecked Sendable {
    private let lock = NSLock()
    private var state = WriterState()  // guarded by `lock`
    private let queue = DispatchQueue(label: "obol.store-writer")
    private let store: any ChainStore
    private let retryInterval: Duration
    private let logger: Logger
    let metrics: StoreMetrics

    init(store: any ChainStore, retryInterval: Duration, logger: Logger, metrics: StoreMetrics) {
        self.store = store
        self.retryInterval = retryInterval
        self.logger = logger
        self.metrics = metrics
    }

    func locked<T>(_ body: (inout WriterState) -> T) -> T {
        lock.lock()
        defer { lock.unlock() }
        return body(&state)
    }

    /// Starts a write job unless one is queued or running, or a failed batch
    /// waits for its retry time; `retryNow` starts one even then.
    func schedule(retryNow: Bool) {
        let start: Bool = locked { state in
            guard !state.queue.isEmpty, !state.running, state.failure == nil || retryNow else { return false }
            state.running = true
            return true
        }
        if start { queue.async { self.writeQueued() } }
    }

    /// The retry set after failed attempt number `attempt`, unless another
    /// attempt came since (a `drain()`), which set its own.
    private func retry(after attempt: UInt64) {
        let start: Bool = locked { state in
            guard state.failures == attempt, !state.running, !state.queue.isEmpty else { return false }
            state.running = true
            return true
        }
        if start { writeQueued() }
    }

    /// Writes batches until the queue is empty or a batch fails.
    private func writeQueued() {
        while true {
            let batch: [StoreWrite]? = locked { state in
                guard !state.queue.isEmpty else {
                    state.running = false
                    return nil
                }
                return state.queue.map(\.write)
            }
            guard let batch else { return }
            let started = ContinuousClock.now
            do {
                try store.write(batch)
            } catch {
                metrics.failedBatch()
                let (waiters, closed, attempt) = locked { ($0.failed(error), $0.closed, $0.failures) }
                for waiter in waiters { waiter.resume(throwing: error) }
                if closed {
                    logger.error("could not write the chain; the writer is closed, giving up", metadata: ["error": "\(error)"])
                } else {
                    logger.error("could not write the chain, will retry", metadata: ["error": "\(error)"])
                    let (seconds, attoseconds) = retryInterval.components
                    let nanoseconds = Int(seconds) * 1_000_000_000 + Int(attoseconds / 1_000_000_000)
                    // Weak: a released writer's retry is the one its deinit starts.
                    queue.asyncAfter(deadline: .now() + .nanoseconds(nanoseconds)) { [weak self] in
                        self?.retry(after: attempt)
                    }
                }
                return
            }
            metrics.wroteBatch(in: started.duration(to: .now))
            let done = locked { state in
                defer { metrics.queued(state.queue.count) }
                return state.wrote(batch.count)
            }
            for waiter in done { waiter.resume() }
        }
    }
}
