import ObolNode
import ObolWire
import Synchronization

/// One direction of an in-memory connection: a queue of messages bounded in bytes, so a writer whose
/// reader does not read waits (as on TCP), with optional latency and loss.
final class MemoryPipe: Sendable {
    private struct State {
        var queue: [(message: Message, due: Duration)] = []
        var bytes = 0
        var closed = false
        var reader: CheckedContinuation<Void, Never>?
        var writers: [CheckedContinuation<Void, Never>] = []
        var random: SeededRandom
    }

    let capacity: Int
    let conditions: @Sendable () -> LinkConditions
    let clock: any NodeClock
    private let state: Mutex<State>

    init(capacity: Int, seed: UInt64, clock: any NodeClock, conditions: @escaping @Sendable () -> LinkConditions) {
        self.capacity = capacity
        self.clock = clock
        self.conditions = conditions
        state = Mutex(State(random: SeededRandom(seed: seed)))
    }

    /// Queues `messages` (dropping each with the loss probability), waiting while the queue is full.
    func send(_ messages: [Message]) async throws {
        let now = clock.elapsed()
        let link = conditions()
        for message in messages where !link.dropping.contains(message.command) {
            let size = Message.frameHeaderSize + message.payloadSize
            while true {
                let ready: Bool? = state.withLock { s in
                    if s.closed { return nil }
                    return s.bytes == 0 || s.bytes + size <= capacity
                }
                guard let ready else { throw MemoryTransportError.closed }
                if ready { break }
                await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                    let wait = state.withLock { s in
                        guard !s.closed, s.bytes != 0, s.bytes + size > capacity else { return false }
                        s.writers.append(continuation)
                        return true
                    }
                    if !wait { continuation.resume() }
                }
                try Task.checkCancellation()
            }
            let reader = state.withLock { s -> CheckedContinuation<Void, Never>? in
                if link.loss > 0, Double(s.random.next() % 1_000_000) / 1_000_000 < link.loss { return nil }
                s.queue.append((message, now + link.latency))
                s.bytes += size
                defer { s.reader = nil }
                return s.reader
            }
            reader?.resume()
        }
    }

    /// The next message (after its latency), or nil once the pipe is closed.
    func receive() async throws -> Message? {
        while true {
            let head: (message: Message, due: Duration)?? = state.withLock { s in
                if s.closed { return .some(nil) }
                return s.queue.first.map { .some($0) } ?? nil
            }
            switch head {
            case .some(nil): return nil
            case let .some(.some(entry)):
                if entry.due > clock.elapsed() { try await clock.sleep(untilElapsed: entry.due) }
                let writers = state.withLock { s -> [CheckedContinuation<Void, Never>] in
                    guard !s.queue.isEmpty else { return [] }
                    s.queue.removeFirst()
                    s.bytes -= Message.frameHeaderSize + entry.message.payloadSize
                    defer { s.writers.removeAll() }
                    return s.writers
                }
                for writer in writers { writer.resume() }
                return entry.message
            case .none:
                try Task.checkCancellation()
                await withTaskCancellationHandler {
                    await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                        let wait = state.withLock { s in
                            guard !s.closed, s.queue.isEmpty else { return false }
                            s.reader = continuation
                            return true
                        }
                        if !wait { continuation.resume() }
                    }
                } onCancel: {
                    self.wakeReader()
                }
                try Task.checkCancellation()
            }
        }
    }

    private func wakeReader() {
        let reader = state.withLock { s in
            defer { s.reader = nil }
            return s.reader
        }
        reader?.resume()
    }

    func close() {
        let (reader, writers) = state.withLock { s in
            s.closed = true
            s.queue.removeAll()
            defer {
                s.reader = nil
                s.writers.removeAll()
            }
            return (s.reader, s.writers)
        }
        reader?.resume()
        for writer in writers { writer.resume() }
    }

    var isClosed: Bool { state.withLock { $0.closed } }
}

/// Latency and loss on a link of the in-memory network.
public struct LinkConditions: Sendable {
    public var latency: Duration = .zero
    /// The probability that a message is dropped (0…1).
    public var loss: Double = 0
    /// Messages of these commands are never delivered (a peer that stays silent about blocks, say).
    public var dropping: Set<Command> = []

    public init(latency: Duration = .zero, loss: Double = 0, dropping: Set<Command> = []) {
        self.latency = latency
        self.loss = loss
        self.dropping = dropping
    }
}

public enum MemoryTransportError: Error, PeerTransportError, Equatable {
    case closed, unreachable, partitioned

    public var isPeerFault: Bool { false }
}
