#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The node's clock, injected so tests can use a manual one, and shared by
/// the chain, the mempool, the miner and the peers. It has two readings:
///
/// - `now()`: whole seconds since the Unix epoch, for consensus timestamps and
///   ages measured in seconds (block timestamps, mempool expiry);
/// - `elapsed()`: monotonic time since an origin fixed for the clock, with
///   sub-second resolution, for timers, rates and timeouts; `sleep(untilElapsed:)`
///   waits on that reading.
///
/// `timer` adapts either reading's owner to a `Clock<Duration>` (`NodeTimer`)
/// for code written against the standard `Clock` protocol. A type cannot be
/// both a `NodeClock` and a `Clock` itself: `Clock.now` and `NodeClock.now()`
/// would clash.
public protocol NodeClock: Sendable {
    /// Whole seconds since the Unix epoch.
    func now() -> UInt64
    /// Monotonic time since this clock's origin (sub-second resolution).
    func elapsed() -> Duration
    /// Returns once `elapsed()` has reached `deadline`; throws `CancellationError` when cancelled.
    func sleep(untilElapsed deadline: Duration) async throws
}

/// The origin of the default monotonic reading: the first time it is read in this process.
private let processOrigin = ContinuousClock.now

extension NodeClock {
    /// Default: the continuous clock since the process first read it.
    public func elapsed() -> Duration { processOrigin.duration(to: .now) }

    /// Default: sleeps on the continuous clock.
    public func sleep(untilElapsed deadline: Duration) async throws {
        try await ContinuousClock().sleep(until: processOrigin.advanced(by: deadline), tolerance: nil)
    }

    /// Sleeps for `duration` of this clock's monotonic time.
    public func sleep(for duration: Duration) async throws {
        try await sleep(untilElapsed: elapsed() + duration)
    }

    /// This clock's monotonic reading as a `Clock<Duration>`.
    public var timer: NodeTimer { NodeTimer(self) }
}

/// The real clock.
public struct SystemClock: NodeClock {
    public init() {}
    public func now() -> UInt64 {
        var ts = timespec()
        clock_gettime(CLOCK_REALTIME, &ts)
        return UInt64(ts.tv_sec)
    }
}

/// A `NodeClock`'s monotonic reading (`elapsed()`) as a standard `Clock`.
public struct NodeTimer: Clock {
    public struct Instant: InstantProtocol, Sendable {
        /// Time since the clock's origin.
        public var offset: Duration
        public init(offset: Duration) { self.offset = offset }
        public func advanced(by duration: Duration) -> Instant { Instant(offset: offset + duration) }
        public func duration(to other: Instant) -> Duration { other.offset - offset }
        public static func < (a: Instant, b: Instant) -> Bool { a.offset < b.offset }
    }

    public let base: any NodeClock

    public init(_ base: any NodeClock) { self.base = base }

    public var now: Instant { Instant(offset: base.elapsed()) }
    public var minimumResolution: Duration { .nanoseconds(1) }

    public func sleep(until deadline: Instant, tolerance: Duration?) async throws {
        try await base.sleep(untilElapsed: deadline.offset)
    }
}
