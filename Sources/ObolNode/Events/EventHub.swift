import Synchronization

/// Delivers events in order to every subscriber, each through its own
/// `AsyncStream` with a buffer the subscriber chooses. No task is spawned per
/// event: `publish` yields into each continuation synchronously.
public final class EventHub<Event: Sendable>: Sendable {
    private struct State {
        var nextID = 0
        var continuations: [Int: AsyncStream<Event>.Continuation] = [:]
        var finished = false
    }

    private let state = Mutex(State())

    public init() {}

    /// A new stream of every event published from now on.
    /// - Parameter bufferingPolicy: `.unbounded` for subscribers that must not
    ///   miss anything (the mempool), `.bufferingNewest(1)` for those that only
    ///   need the latest (the miner).
    public func subscribe(bufferingPolicy: AsyncStream<Event>.Continuation.BufferingPolicy = .unbounded)
        -> AsyncStream<Event>
    {
        let (stream, continuation) = AsyncStream<Event>.makeStream(bufferingPolicy: bufferingPolicy)
        let id: Int? = state.withLock { s in
            guard !s.finished else { return nil }
            defer { s.nextID += 1 }
            s.continuations[s.nextID] = continuation
            return s.nextID
        }
        guard let id else {
            continuation.finish()
            return stream
        }
        continuation.onTermination = { [weak self] _ in
            _ = self?.state.withLock { $0.continuations.removeValue(forKey: id) }
        }
        return stream
    }

    public func publish(_ event: Event) {
        let targets = state.withLock { Array($0.continuations.values) }
        for continuation in targets { continuation.yield(event) }
    }

    /// Ends every stream; later subscribers get a finished stream.
    public func finish() {
        let targets = state.withLock { s in
            s.finished = true
            defer { s.continuations.removeAll() }
            return Array(s.continuations.values)
        }
        for continuation in targets { continuation.finish() }
    }

    public var subscriberCount: Int { state.withLock { $0.continuations.count } }
}
