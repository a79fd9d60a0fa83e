import ObolWire
import Synchronization

/// What waits to be sent to one peer. The peer manager and the serving side enqueue without awaiting;
/// the peer's writer task takes batches and writes them. The bytes queued (and being written) are
/// counted: past the budget the queue refuses, and the manager drops the peer (it does not read, and
/// must not grow our memory). Large replies (`block`s) wait for room instead (`waitForRoom`).
final class PeerOutbox: Sendable {
    private struct State {
        var queue: [Message] = []
        /// Bytes of queued messages plus those handed to the writer and not yet written.
        var bytes = 0
        var closed = false
        var writer: CheckedContinuation<[Message]?, Never>?
        var roomWaiters: [CheckedContinuation<Void, Never>] = []
        /// When the queue last became non-empty with nothing moving, or last moved (elapsed time).
        var lastProgress: Duration
        var bytesSent: UInt64 = 0
    }

    let budget: Int
    private let state: Mutex<State>

    init(budget: Int, now: Duration) {
        self.budget = budget
        state = Mutex(State(lastProgress: now))
    }

    /// Queues `messages`; false (nothing queued) when closed or when the budget would be exceeded.
    /// `force` admits a batch over the budget when the queue is empty (one block larger than the budget).
    @discardableResult
    func enqueue(_ messages: [Message], now: Duration, force: Bool = false) -> Bool {
        guard !messages.isEmpty else { return true }
        let size = messages.reduce(0) { $0 + Self.frameSize($1) }
        enum Outcome { case refused, queued, handed(CheckedContinuation<[Message]?, Never>) }
        let outcome: Outcome = state.withLock { s in
            guard !s.closed, s.bytes + size <= budget || (force && s.bytes == 0) else { return .refused }
            if s.bytes == 0 { s.lastProgress = now }
            s.bytes += size
            if let writer = s.writer {
                s.writer = nil
                return .handed(writer)
            }
            s.queue.append(contentsOf: messages)
            return .queued
        }
        switch outcome {
        case .refused: return false
        case .queued: return true
        case let .handed(writer):
            writer.resume(returning: messages)
            return true
        }
    }

    /// The writer's next batch (everything queued), waiting for one; nil once closed.
    func next() async -> [Message]? {
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<[Message]?, Never>) in
                let batch: [Message]?? = state.withLock { s in
                    if s.closed { return .some(nil) }
                    if !s.queue.isEmpty {
                        defer { s.queue.removeAll(keepingCapacity: true) }
                        return .some(s.queue)
                    }
                    s.writer = continuation
                    return nil
                }
                if let batch { continuation.resume(returning: batch) }
            }
        } onCancel: {
            close()
        }
    }

    /// The writer wrote `messages`: their bytes leave the count, and waiting servers may go on.
    /// Returns those bytes.
    @discardableResult
    func written(_ messages: [Message], now: Duration) -> Int {
        let size = messages.reduce(0) { $0 + Self.frameSize($1) }
        let waiters = state.withLock { s in
            s.bytes -= size
            s.bytesSent += UInt64(size)
            s.lastProgress = now
            guard s.bytes <= budget / 2 else { return [CheckedContinuation<Void, Never>]() }
            defer { s.roomWaiters.removeAll() }
            return s.roomWaiters
        }
        for waiter in waiters { waiter.resume() }
        return size
    }

    /// Returns once at most half the budget is queued (or the outbox is closed).
    /// Cancellation closes the outbox (the peer's task is ending) and so returns at once.
    func waitForRoom() async {
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let ready = state.withLock { s in
                    if s.closed || s.bytes <= budget / 2 { return true }
                    s.roomWaiters.append(continuation)
                    return false
                }
                if ready { continuation.resume() }
            }
        } onCancel: {
            close()
        }
    }

    /// Ends the writer (it gets nil) and wakes every waiter; later enqueues are refused.
    func close() {
        let (writer, waiters) = state.withLock { s in
            s.closed = true
            s.queue.removeAll()
            defer {
                s.writer = nil
                s.roomWaiters.removeAll()
            }
            return (s.writer, s.roomWaiters)
        }
        writer?.resume(returning: nil)
        for waiter in waiters { waiter.resume() }
    }

    var isClosed: Bool { state.withLock { $0.closed } }

    var bytesSent: UInt64 { state.withLock { $0.bytesSent } }

    /// Whether bytes have waited, with nothing written, since before `now - timeout`.
    func isStalled(now: Duration, timeout: Duration) -> Bool {
        state.withLock { s in s.bytes > 0 && now - s.lastProgress > timeout }
    }

    /// A message's size on the wire before encryption: the frame header and the payload.
    static func frameSize(_ message: Message) -> Int { Message.frameHeaderSize + message.payloadSize }
}
