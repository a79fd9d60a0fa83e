import ObolAPI
import ObolCore
import Synchronization

extension FakeBackend {
    nonisolated func events(watching address: Address?, bufferingNewest limit: Int) -> AsyncStream<NodeEvent> {
        eventFeed.subscribe(watching: address, limit: limit)
    }
}

/// The fake's event source: each stream gets what tests publish, through a buffer of the size the
/// router asked for (so a reader that falls behind loses the oldest, as with the node's). Tests wait
/// for a reader with `waitForSubscribers`.
final class FakeEventFeed: Sendable {
    private struct Subscriber: Sendable {
        var address: Address?
        var continuation: AsyncStream<NodeEvent>.Continuation
    }

    private struct State {
        var nextID = 0
        var subscribers: [Int: Subscriber] = [:]
        var finished = false
        /// Events every new stream starts with, before its reader can read any.
        var preload: [NodeEvent] = []
    }

    private let state = Mutex(State())
    private let counts: AsyncStream<Int>
    private let countSink: AsyncStream<Int>.Continuation

    init() {
        (counts, countSink) = AsyncStream.makeStream()
    }

    func subscribe(watching address: Address?, limit: Int) -> AsyncStream<NodeEvent> {
        let (stream, continuation) = AsyncStream<NodeEvent>.makeStream(bufferingPolicy: .bufferingNewest(limit))
        let (id, preload, count): (Int?, [NodeEvent], Int) = state.withLock { s in
            guard !s.finished else { return (nil, [], s.subscribers.count) }
            defer { s.nextID += 1 }
            s.subscribers[s.nextID] = Subscriber(address: address, continuation: continuation)
            return (s.nextID, s.preload, s.subscribers.count)
        }
        guard let id else {
            continuation.finish()
            return stream
        }
        for event in preload { continuation.yield(event) }
        continuation.onTermination = { [weak self] _ in
            guard let self else { return }
            let count = state.withLock { s in
                s.subscribers.removeValue(forKey: id)
                return s.subscribers.count
            }
            countSink.yield(count)
        }
        countSink.yield(count)
        return stream
    }

    /// `events` go into every stream opened from now on, before its reader reads: a reader that is
    /// behind by more than its buffer from the start.
    func preload(_ events: [NodeEvent]) { state.withLock { $0.preload = events } }

    /// Sends `event` to every stream (a `.wallet` only to streams watching `address`).
    func publish(_ event: NodeEvent, involving address: Address? = nil) {
        let targets = state.withLock { Array($0.subscribers.values) }
        for target in targets where event != .wallet || (target.address != nil && target.address == address) {
            target.continuation.yield(event)
        }
    }

    /// Ends every stream, and every later one at once (the node stopped).
    func finish() {
        let targets = state.withLock { s in
            s.finished = true
            return Array(s.subscribers.values)
        }
        for target in targets { target.continuation.finish() }
    }

    var subscriberCount: Int { state.withLock { $0.subscribers.count } }

    /// Returns once exactly `count` streams are open (one waiter at a time).
    func waitForSubscribers(_ count: Int) async {
        // The counts stream may hold old counts: each one only makes this look again.
        guard subscriberCount != count else { return }
        for await _ in counts where subscriberCount == count { return }
    }
}
