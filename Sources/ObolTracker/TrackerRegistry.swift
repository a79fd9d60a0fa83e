import ObolWire

/// The nodes a tracker lists, as a plain value. Time is a parameter (seconds since the Unix epoch).
///
/// - A node is listed by `register`, kept by `heartbeat`, and unlisted by `leave` or after three missed
///   heartbeats (`expire`).
/// - Each request of a node must carry a later timestamp than its last, so none can be replayed. A node that
///   left is remembered for `replayWindow` seconds (the tracker refuses timestamps further from its clock),
///   so its old `register` cannot list it again.
/// - At most `capacity` nodes are listed; `peers` returns a bounded sample in random order.
public struct TrackerRegistry: Sendable {
    struct Entry: Sendable, Hashable {
        var endpoint: PeerEndpoint
        var lastHeard: UInt64
        var lastTimestamp: UInt64
    }

    public let heartbeatInterval: UInt64
    public let capacity: Int
    public let replayWindow: UInt64
    private(set) var entries: [String: Entry] = [:]
    /// Nodes that left: their last timestamp, and when they left.
    private var departed: [String: (timestamp: UInt64, at: UInt64)] = [:]

    public init(heartbeatInterval: UInt64 = 30, capacity: Int = 10_000, replayWindow: UInt64 = 120) {
        self.heartbeatInterval = max(1, heartbeatInterval)
        self.capacity = max(1, capacity)
        self.replayWindow = replayWindow
    }

    public var count: Int { entries.count }

    /// The address listed for `nodeID`.
    public func endpoint(of nodeID: String) -> PeerEndpoint? { entries[nodeID]?.endpoint }

    /// A node heard from later than this is dropped.
    public var lifetime: UInt64 { 3 * heartbeatInterval }

    /// Lists `nodeID` at `endpoint` (or moves it there).
    public mutating func register(_ nodeID: String, at endpoint: PeerEndpoint, timestamp: UInt64,
                                  now: UInt64) throws(TrackerError) {
        try checkFresh(nodeID, timestamp)
        guard entries[nodeID] != nil || entries.count < capacity else {
            throw TrackerError(.full, "the tracker lists \(capacity) nodes already")
        }
        entries[nodeID] = Entry(endpoint: endpoint, lastHeard: now, lastTimestamp: timestamp)
        departed[nodeID] = nil
    }

    /// Keeps `nodeID` listed.
    public mutating func heartbeat(_ nodeID: String, timestamp: UInt64, now: UInt64) throws(TrackerError) {
        guard entries[nodeID] != nil else { throw TrackerError(.unknownNode, "node \(nodeID.prefix(16)) is not listed") }
        try checkFresh(nodeID, timestamp)
        entries[nodeID]!.lastHeard = now
        entries[nodeID]!.lastTimestamp = timestamp
    }

    /// Unlists `nodeID`.
    public mutating func leave(_ nodeID: String, timestamp: UInt64, now: UInt64) throws(TrackerError) {
        guard entries[nodeID] != nil else { throw TrackerError(.unknownNode, "node \(nodeID.prefix(16)) is not listed") }
        try checkFresh(nodeID, timestamp)
        entries[nodeID] = nil
        if departed.count < capacity { departed[nodeID] = (timestamp, now) }
    }

    /// Drops the nodes not heard from for three heartbeat intervals; returns their ids.
    @discardableResult
    public mutating func expire(now: UInt64) -> [String] {
        let gone = entries.filter { now > $0.value.lastHeard && now - $0.value.lastHeard > lifetime }.map(\.key)
        for nodeID in gone { entries[nodeID] = nil }
        departed = departed.filter { now <= $0.value.at || now - $0.value.at <= 2 * replayWindow }
        return gone.sorted()
    }

    /// At most `count` listed addresses in random order, leaving out `excluded` (the asking node).
    public func peers(count: Int, excluding excluded: String? = nil,
                      using rng: inout some RandomNumberGenerator) -> [PeerEndpoint] {
        var listed = entries.filter { $0.key != excluded }.map(\.value.endpoint).sorted()
        listed.shuffle(using: &rng)
        return Array(listed.prefix(max(0, count)))
    }

    private func checkFresh(_ nodeID: String, _ timestamp: UInt64) throws(TrackerError) {
        if let last = entries[nodeID]?.lastTimestamp ?? departed[nodeID]?.timestamp, timestamp <= last {
            throw TrackerError(.staleTimestamp, "timestamp \(timestamp) is not later than the node's last, \(last)")
        }
    }
}
