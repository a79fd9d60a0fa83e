/// Reads a stream's events in order for a test: the next one, the first that
/// matches, or every event up to one that matches. It never sleeps: each call
/// awaits the stream.
public struct EventRecorder<Event: Sendable> {
    private var iterator: AsyncStream<Event>.Iterator
    /// Every event read so far, in order.
    public private(set) var events: [Event] = []

    public init(_ stream: AsyncStream<Event>) { iterator = stream.makeAsyncIterator() }

    /// The next event, or nil once the stream has finished.
    public mutating func next() async -> Event? {
        guard let event = await iterator.next() else { return nil }
        events.append(event)
        return event
    }

    /// The first event from now on that `match` maps to a value (nil when the stream finishes first).
    public mutating func first<T>(_ match: (Event) -> T?) async -> T? {
        while let event = await next() {
            if let found = match(event) { return found }
        }
        return nil
    }

    /// Every event until the stream finishes.
    public mutating func rest() async -> [Event] {
        var out: [Event] = []
        while let event = await next() { out.append(event) }
        return out
    }
}
