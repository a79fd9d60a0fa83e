/// A host that misbehaved, why, and when (seconds since the Unix epoch, on the node's clock).
public struct Discouragement: Sendable, Hashable {
    public var host: String
    /// The drop reason that discouraged it: the rule broken, as the log line names it.
    public var reason: String
    public var since: UInt64

    public init(host: String, reason: String, since: UInt64) {
        self.host = host
        self.reason = reason
        self.since = since
    }
}

/// The hosts that misbehaved recently, each with its first offence: dropped first when the inbound slots
/// are full and never dialled. Bounded by `capacity`; when full, the oldest entry is forgotten. In memory
/// only: a restart forgives (Bitcoin Core's discouragement filter does the same).
struct DiscouragedHosts: Sendable {
    let capacity: Int
    private var entries: [String: Discouragement] = [:]
    /// Hosts in the order they were discouraged; a ring once `capacity` is reached.
    private var order: [String] = []
    private var oldest = 0

    init(capacity: Int) {
        precondition(capacity > 0)
        self.capacity = capacity
    }

    var count: Int { entries.count }

    func contains(_ host: String) -> Bool { entries[host] != nil }

    /// Records `host` unless it is there already (the first offence is kept).
    mutating func insert(_ host: String, reason: String, at time: UInt64) {
        guard entries[host] == nil else { return }
        entries[host] = Discouragement(host: host, reason: reason, since: time)
        if order.count < capacity {
            order.append(host)
        } else {
            entries[order[oldest]] = nil
            order[oldest] = host
            oldest = (oldest + 1) % capacity
        }
    }

    /// Every entry, the most recent first.
    var newestFirst: [Discouragement] {
        let chronological = order[oldest...] + order[..<oldest]
        return chronological.reversed().compactMap { entries[$0] }
    }
}
