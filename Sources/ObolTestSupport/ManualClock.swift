import ObolNode
import Synchronization

/// A `NodeClock` that moves only when a test advances it. Its wall-clock
/// seconds (`now()`) start at `seconds` and move with its monotonic reading
/// (`elapsed()`); sleeps on it (`sleep(untilElapsed:)`, or `timer`, its
/// `Clock<Duration>`) resume when `advance` reaches their deadline.
public final class ManualClock: NodeClock {
    public typealias Instant = NodeTimer.Instant

    private struct Sleeper {
        var deadline: Duration
        var continuation: CheckedContinuation<Void, any Error>
    }

    private struct State {
        var elapsed: Duration = .zero
        var nextID = 0
        var sleepers: [Int: Sleeper] = [:]
    }

    private let start: UInt64
    private let state = Mutex(State())
    private let sleepStarted: AsyncStream<Instant>.Continuation
    /// The deadline of every sleep that begins (and has not already passed).
    public let sleeps: AsyncStream<Instant>

    public init(seconds: UInt64 = 1_700_000_000) {
        start = seconds
        (sleeps, sleepStarted) = AsyncStream.makeStream()
    }

    public convenience init(_ seconds: UInt64) { self.init(seconds: seconds) }

    public func now() -> UInt64 {
        let elapsed = state.withLock { $0.elapsed }
        return start + UInt64(max(0, elapsed.components.seconds))
    }

    public func elapsed() -> Duration { state.withLock { $0.elapsed } }

    /// `elapsed()` as an instant of `timer`.
    public var instant: Instant { Instant(offset: elapsed()) }

    public func sleep(untilElapsed deadline: Duration) async throws {
        let id = state.withLock { s in
            defer { s.nextID += 1 }
            return s.nextID
        }
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                enum Outcome { case waiting, due, cancelled }
                let outcome = state.withLock { s -> Outcome in
                    if Task.isCancelled { return .cancelled }
                    if deadline <= s.elapsed { return .due }
                    s.sleepers[id] = Sleeper(deadline: deadline, continuation: continuation)
                    return .waiting
                }
                switch outcome {
                case .waiting: sleepStarted.yield(Instant(offset: deadline))
                case .due: continuation.resume()
                case .cancelled: continuation.resume(throwing: CancellationError())
                }
            }
        } onCancel: {
            state.withLock { $0.sleepers.removeValue(forKey: id) }?.continuation.resume(throwing: CancellationError())
        }
    }

    /// Moves time forward and resumes every sleep whose deadline it reaches.
    public func advance(by duration: Duration) {
        let due = state.withLock { s in
            s.elapsed += duration
            let now = s.elapsed
            let ids = s.sleepers.filter { $0.value.deadline <= now }.map(\.key)
            return ids.compactMap { s.sleepers.removeValue(forKey: $0)?.continuation }
        }
        for continuation in due { continuation.resume() }
    }

    /// Moves time forward by whole seconds.
    public func advance(by seconds: UInt64) { advance(by: .seconds(seconds)) }
}
