/// Hashes per second over a sliding window, from running totals sampled at
/// most every `spacing`. Pure, so it is tested with explicit instants.
struct HashRateMeter: Sendable {
    typealias Instant = ContinuousClock.Instant

    let window: Duration
    let spacing: Duration
    private(set) var total: UInt64 = 0
    /// Oldest first, none older than the window: at most window / spacing + 1.
    private var samples: [(at: Instant, total: UInt64)] = []

    init(window: Duration = .seconds(5), spacing: Duration = .milliseconds(250)) {
        precondition(window > .zero && spacing > .zero)
        self.window = window
        self.spacing = spacing
        samples.reserveCapacity(Int(window / spacing) + 2)
    }

    /// `count` more hashes were done by `now`; true when that took a sample (at most every `spacing`).
    @discardableResult
    mutating func add(_ count: UInt64, at now: Instant) -> Bool {
        total &+= count
        if let last = samples.last, now - last.at < spacing { return false }
        let stale = samples.prefix { now - $0.at > window }.count
        samples.removeFirst(stale)
        samples.append((now, total))
        return true
    }

    /// Hashes per second between the oldest sample inside the window and
    /// `now`; 0 when no hashes were done in the window.
    func rate(at now: Instant) -> Double {
        guard let first = samples.first(where: { now - $0.at <= window }) else { return 0 }
        let elapsed = now - first.at
        guard elapsed > .zero else { return 0 }
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
        return Double(total &- first.total) / seconds
    }
}
