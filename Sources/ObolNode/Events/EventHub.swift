import Synchronization

/// Delivers events in order to every subscriber, each through its own
/// `AsyncStream` with a buffer the subscriber chooses. No task is spawned per
/// event: `publish` yields into each continuation synchronously.
///
/// A bounded buffer drops events when its reader falls behind; the hub counts
/// them per subscriber (`EventDrops`), so a reader that must not miss one
/// learns that it did and can resynchronize (the mempool does).
public final class EventHub<Event: Sendable>: Sendable {
    private struct Subscriber: Sendable {
        /// Yields the event (or what the subscriber maps it to); true when it was dropped.
        var deliver: @Sendable (Event) -> Bool
        var finish: @Sendable () -> Void
        var drops: EventDrops
    }

    private struct State {
        var nextID = 0
        var subscribers: [Int: Subscriber] = [:]
        var finished = false
    }

    private let state = Mutex(State())

    public init() {}

    /// A new stream of every event published from now on, through a buffer
    /// chosen on purpose: `.unbounded` only for small events, a bounded one
    /// for anything carrying blocks (with `subscribeCountingDrops` when a gap matters).
    public func subscribe(bufferingPolicy: AsyncStream<Event>.Continuation.BufferingPolicy) -> AsyncStream<Event> {
        subscribeCountingDrops(bufferingPolicy: bufferingPolicy).events
    }

    /// A new stream of what `transform` maps each event to (nil skips the
    /// event before it reaches the buffer): e.g. only the tips, newest first,
    /// without a block event ever pushing a tip out of a one-element buffer.
    public func subscribe<Value: Sendable>(
        bufferingPolicy: AsyncStream<Value>.Continuation.BufferingPolicy,
        _ transform: @escaping @Sendable (Event) -> Value?
    ) -> AsyncStream<Value> {
        add(bufferingPolicy: bufferingPolicy, transform).events
    }

    /// A new stream of the events `include` accepts (all by default), with
    /// the count of events its buffer had to drop.
    public func subscribeCountingDrops(
        bufferingPolicy: AsyncStream<Event>.Continuation.BufferingPolicy,
        where include: @escaping @Sendable (Event) -> Bool = { _ in true }
    ) -> (events: AsyncStream<Event>, drops: EventDrops) {
        add(bufferingPolicy: bufferingPolicy) { include($0) ? $0 : nil }
    }

    /// Calls `deliver` with every event published from now on, on the publisher's side, and
    /// `onFinish` once when the hub finishes (at once when it already has). For a reader that merges
    /// several hubs into one stream of its own: `deliver` yields into that stream's continuation (it
    /// must be that short: it runs inside `publish`). `cancel()` the subscription when done.
    public func subscribe(_ deliver: @escaping @Sendable (Event) -> Void,
                          onFinish: @escaping @Sendable () -> Void) -> EventSubscription {
        let subscriber = Subscriber(deliver: { deliver($0); return false }, finish: onFinish, drops: EventDrops())
        guard let id = register(subscriber) else {
            onFinish()
            return EventSubscription {}
        }
        return EventSubscription { [weak self] in self?.unregister(id) }
    }

    /// Adds `subscriber` under a new id; nil when the hub has finished.
    private func register(_ subscriber: Subscriber) -> Int? {
        state.withLock { s in
            guard !s.finished else { return nil }
            defer { s.nextID += 1 }
            s.subscribers[s.nextID] = subscriber
            return s.nextID
        }
    }

    private func unregister(_ id: Int) {
        _ = state.withLock { $0.subscribers.removeValue(forKey: id) }
    }

    private func add<Value: Sendable>(
        bufferingPolicy: AsyncStream<Value>.Continuation.BufferingPolicy,
        _ transform: @escaping @Sendable (Event) -> Value?
    ) -> (events: AsyncStream<Value>, drops: EventDrops) {
        let (stream, continuation) = AsyncStream<Value>.makeStream(bufferingPolicy: bufferingPolicy)
        let drops = EventDrops()
        let subscriber = Subscriber(
            deliver: { event in
                guard let value = transform(event) else { return false }
                if case .dropped = continuation.yield(value) {
                    drops.add()
                    return true
                }
                return false
            },
            finish: { continuation.finish() },
            drops: drops)
        guard let id = register(subscriber) else {
            continuation.finish()
            return (stream, drops)
        }
        continuation.onTermination = { [weak self] _ in self?.unregister(id) }
        return (stream, drops)
    }

    public func publish(_ event: Event) {
        let targets = state.withLock { Array($0.subscribers.values) }
        for subscriber in targets { _ = subscriber.deliver(event) }
    }

    /// Ends every stream (their readers' `for await` loops end once the
    /// buffers are read); later subscribers get a finished stream.
    public func finish() {
        let targets = state.withLock { s in
            s.finished = true
            defer { s.subscribers.removeAll() }
            return Array(s.subscribers.values)
        }
        for subscriber in targets { subscriber.finish() }
    }

    public var subscriberCount: Int { state.withLock { $0.subscribers.count } }

    /// Events dropped so far, summed over the current subscribers.
    public var droppedCount: Int { state.withLock { $0.subscribers.values.reduce(0) { $0 + $1.drops.total } } }
}

/// How many events a subscriber's buffer dropped: a running total, and the
/// count since the reader last asked (`take`).
public final class EventDrops: Sendable {
    private let counts = Mutex<(total: Int, unseen: Int)>((0, 0))

    public init() {}

    func add() { counts.withLock { $0.total += 1; $0.unseen += 1 } }

    /// Every drop so far.
    public var total: Int { counts.withLock { $0.total } }

    /// The drops since the last call (0 when none): a reader calls it to learn of a gap.
    public func take() -> Int {
        counts.withLock { c in
            defer { c.unseen = 0 }
            return c.unseen
        }
    }
}

/// A subscription made with `EventHub.subscribe(_:onFinish:)`: `cancel()` stops its deliveries.
public final class EventSubscription: Sendable {
    private let onCancel: @Sendable () -> Void

    init(onCancel: @escaping @Sendable () -> Void) {
        self.onCancel = onCancel
    }

    /// Stops the deliveries (the hub forgets the subscriber); calling it again does nothing more.
    public func cancel() { onCancel() }
}
