import Foundation
import Logging
import ObolCore

/// Applies a `ChainStore`'s writes on a thread of its own, in the order they
/// were queued, so that the chain actor never waits for the disk: validating
/// the next block overlaps with writing the last ones.
///
/// - Order: writes reach the store in queue order, each batch (everything
///   queued when the thread wakes) as one `ChainStore.write` call, which
///   `SQLiteChainStore` makes one transaction. The store always holds a
///   prefix of the queue.
/// - Reads: `block` and `undo` see queued writes before the store does.
/// - Failure: a batch that fails stays at the head of the queue and is tried
///   again after `retryInterval`, or at once by `drain()`, which throws the
///   error while the store keeps failing. Nothing queued is dropped.
/// - Lifetime: the thread ends once the writer is released and its queue is
///   written (or has failed once more).
public final class StoreWriter: Sendable {
    public let store: any ChainStore
    private let shared: Shared

    public init(store: any ChainStore, retryInterval: Duration = .milliseconds(250),
                logger: Logger = Logger(label: "obol.store")) {
        self.store = store
        shared = Shared(retryInterval: retryInterval)
        let thread = Thread { [shared, store] in shared.run(store, logger: logger) }
        thread.name = "obol-store-writer"
        thread.start()
    }

    deinit { shared.close() }

    // MARK: Writing

    /// Queues `writes` and returns at once.
    public func enqueue(_ writes: StoreWrite...) { enqueue(contentsOf: writes) }

    public func enqueue(contentsOf writes: [StoreWrite]) {
        guard !writes.isEmpty else { return }
        shared.locked(wake: true) { $0.append(writes) }
    }

    /// Waits until everything queued before the call is in the store. A batch
    /// that failed is tried again at once; its error is thrown if it fails again.
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
            let ready: Bool = shared.locked(wake: retryNow) { state in
                let target = state.nextSequence - 1 - UInt64(min(limit, state.queue.count))
                guard state.written < target else { return true }
                state.waiters.append((target, continuation))
                if retryNow { state.retryNow = true }
                return false
            }
            if ready { continuation.resume() }
        }
    }

    /// Writes queued and not yet in the store.
    public var backlog: Int { shared.locked { $0.queue.count } }

    /// The error of the last attempt, while the head of the queue keeps failing.
    public var failure: (any Error)? { shared.locked { $0.failure } }

    // MARK: Reading through the queue

    /// The body of `hash`, queued or stored.
    public func block(_ hash: Hash256) throws -> Block? {
        if let queued = shared.locked({ $0.bodies[hash]?.block }) { return queued }
        return try store.block(hash)
    }

    /// The undo data of `hash`, queued or stored.
    public func undo(_ hash: Hash256) throws -> BlockUndo? {
        if let queued = shared.locked({ $0.undo[hash]?.undo }) { return queued }
        return try store.undo(hash)
    }
}

// MARK: - The queue and its thread

private struct WriterState {
    var queue: [(sequence: UInt64, write: StoreWrite)] = []
    var nextSequence: UInt64 = 1
    /// Every write numbered up to this one is in the store.
    var written: UInt64 = 0
    /// Bodies and undo data of queued writes, by block, with the number of the write.
    var bodies: [Hash256: (sequence: UInt64, block: Block)] = [:]
    var undo: [Hash256: (sequence: UInt64, undo: BlockUndo)] = [:]
    var failure: (any Error)?
    var retryAt: ContinuousClock.Instant?
    var retryNow = false
    var closed = false
    /// Each resumed once `written` reaches its number, or with the next failure.
    var waiters: [(target: UInt64, continuation: CheckedContinuation<Void, any Error>)] = []

    mutating func append(_ writes: [StoreWrite]) {
        for write in writes {
            let sequence = nextSequence
            nextSequence += 1
            queue.append((sequence, write))
            switch write {
            case let .block(block, entry): bodies[entry.hash] = (sequence, block)
            case let .tip(update): for (block, data) in update.connected { undo[block.hash] = (sequence, data) }
            case let .prune(hashes):
                for hash in hashes {
                    bodies[hash] = nil
                    undo[hash] = nil
                }
            case .status: break
            }
        }
    }

    /// The first `count` writes are in the store.
    mutating func wrote(_ count: Int) -> [CheckedContinuation<Void, any Error>] {
        for (sequence, write) in queue.prefix(count) {
            switch write {
            case let .block(_, entry) where bodies[entry.hash]?.sequence == sequence: bodies[entry.hash] = nil
            case let .tip(update):
                for (block, _) in update.connected where undo[block.hash]?.sequence == sequence {
                    undo[block.hash] = nil
                }
            default: break
            }
        }
        written = queue[count - 1].sequence
        queue.removeFirst(count)
        failure = nil
        retryAt = nil
        let done = waiters.filter { $0.target <= written }
        waiters.removeAll { $0.target <= written }
        return done.map(\.continuation)
    }

    /// Waits for work: a queue, and no failure still waiting for its retry time.
    var mayWrite: Bool {
        guard !queue.isEmpty else { return false }
        guard failure != nil else { return true }
        return closed || retryNow || (retryAt.map { ContinuousClock.now >= $0 } ?? true)
    }
}

private final class Shared: @unchecked Sendable {
    private let condition = NSCondition()
    private var state = WriterState()  // guarded by `condition`
    let retryInterval: Duration

    init(retryInterval: Duration) {
        self.retryInterval = retryInterval
    }

    /// Runs `body` under the lock; `wake` tells the thread the state changed.
    func locked<T>(wake: Bool = false, _ body: (inout WriterState) -> T) -> T {
        condition.lock()
        defer {
            if wake { condition.signal() }
            condition.unlock()
        }
        return body(&state)
    }

    func close() {
        locked(wake: true) { $0.closed = true }
    }

    func run(_ store: any ChainStore, logger: Logger) {
        condition.lock()
        while true {
            while !state.mayWrite && !(state.closed && state.queue.isEmpty) {
                if let retryAt = state.retryAt, state.failure != nil {
                    let (seconds, attoseconds) = (retryAt - ContinuousClock.now).components
                    let interval = Double(seconds) + Double(attoseconds) * 1e-18
                    _ = condition.wait(until: Date(timeIntervalSinceNow: max(0.001, interval)))
                } else {
                    condition.wait()
                }
            }
            if state.queue.isEmpty { break }  // closed, and everything written
            let wasClosed = state.closed
            let batch = state.queue.map(\.write)
            state.retryNow = false
            condition.unlock()

            var error: (any Error)?
            do { try store.write(batch) } catch let failure { error = failure }

            condition.lock()
            var resumed: [CheckedContinuation<Void, any Error>] = []
            if let error {
                logger.error("could not write the chain, will retry", metadata: ["error": "\(error)"])
                state.failure = error
                state.retryAt = ContinuousClock.now + retryInterval
                resumed = state.waiters.map(\.continuation)
                state.waiters.removeAll()
                condition.unlock()
                for continuation in resumed { continuation.resume(throwing: error) }
                condition.lock()
                if wasClosed { break }  // released with a failing store: give up
            } else {
                resumed = state.wrote(batch.count)
                condition.unlock()
                for continuation in resumed { continuation.resume() }
                condition.lock()
            }
        }
        condition.unlock()
    }
}
