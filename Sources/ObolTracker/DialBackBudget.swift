/// How often the tracker may dial a host back to check a registration. Each dial-back is a TCP connection and a
/// handshake that a single signed HTTP request causes, and keys cost nothing to make: without a budget, anyone
/// could point the tracker at a host of their choice and have it dial there as often as they ask.
///
/// Each host has a token bucket (`burst` dials, then one every `refillSeconds`), and at most `maxInFlight`
/// dial-backs run at once. The buckets are bounded by `maxHosts`; a full bucket is the same as no bucket, so
/// those are forgotten first.
struct DialBackBudget: Sendable {
    let burst: Double
    let refillSeconds: Double
    let maxInFlight: Int
    let maxHosts: Int
    private var buckets: [String: (tokens: Double, at: UInt64)] = [:]
    private(set) var inFlight = 0

    init(burst: Int = 3, refillSeconds: UInt64 = 20, maxInFlight: Int = 8, maxHosts: Int = 4_096) {
        self.burst = Double(max(1, burst))
        self.refillSeconds = Double(max(1, refillSeconds))
        self.maxInFlight = max(1, maxInFlight)
        self.maxHosts = max(1, maxHosts)
    }

    /// Takes a dial to `host` at `now` (seconds), or says why not. Pair a success with `finished()`.
    mutating func start(dialing host: String, now: UInt64) -> Refusal? {
        guard inFlight < maxInFlight else { return .busy }
        var bucket = buckets[host] ?? (burst, now)
        bucket.tokens = min(burst, bucket.tokens + Double(now &- min(now, bucket.at)) / refillSeconds)
        bucket.at = max(bucket.at, now)
        guard bucket.tokens >= 1 else { return .hostRateLimited }
        if buckets[host] == nil, buckets.count >= maxHosts {
            buckets = buckets.filter { entry in
                min(burst, entry.value.tokens + Double(now &- min(now, entry.value.at)) / refillSeconds) < burst
            }
            guard buckets.count < maxHosts else { return .busy }
        }
        bucket.tokens -= 1
        buckets[host] = bucket
        inFlight += 1
        return nil
    }

    mutating func finished() { inFlight = max(0, inFlight - 1) }

    enum Refusal: Equatable {
        /// The host was dialled too often lately.
        case hostRateLimited
        /// Too many dial-backs run now, or too many hosts are being tracked.
        case busy
    }
}
