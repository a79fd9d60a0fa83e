import ObolCore

/// Which peer downloads which block body, as a plain value (the parallel half of headers-first sync).
///
/// - At most `maxPerPeer` blocks are in flight per peer; blocks go to the least-loaded peer whose chain
///   is high enough, so several peers download side by side.
/// - Every request has a deadline: the peer's timeout, which starts at `initialTimeout`, doubles on each
///   stall up to `maxTimeout`, and halves back (not below the start) when a block arrives in under a
///   quarter of it. A slow peer thus settles on a timeout that fits it instead of stalling again and again.
/// - A request past its deadline is released for another peer (the lowest missing block is asked of
///   someone else), and the stalled peer gets no new requests until its doubled timeout has passed, so
///   one silent peer never holds the sync. A slow peer is not disconnected for it.
/// - The deadline counts from the request or from the peer's last delivered block, whichever is later: a
///   peer's blocks are processed one after another, so while it keeps delivering, the blocks queued behind
///   the one being validated are not its fault however long validation takes (Bitcoin Core likewise judges a
///   peer stalling by its progress, not by the age of each request).
public struct BlockDownloader: Sendable {
    public struct Request: Sendable, Hashable {
        public var peer: UInt64
        public var requestedAt: Duration
        public var deadline: Duration
    }

    struct PeerLoad: Sendable {
        var count = 0
        var timeout: Duration
        /// No new requests before this time (after a stall).
        var restingUntil: Duration?
        /// When the peer last delivered a block it was asked for.
        var lastDelivery: Duration?
    }

    public let maxPerPeer: Int
    public let initialTimeout: Duration
    public let maxTimeout: Duration
    public private(set) var inFlight: [Hash256: Request] = [:]
    private var peers: [UInt64: PeerLoad] = [:]

    public init(maxPerPeer: Int, initialTimeout: Duration, maxTimeout: Duration) {
        self.maxPerPeer = maxPerPeer
        self.initialTimeout = initialTimeout
        self.maxTimeout = maxTimeout
    }

    /// A peer's current request timeout.
    public func timeout(of peer: UInt64) -> Duration { peers[peer]?.timeout ?? initialTimeout }

    /// Blocks in flight from `peer`.
    public func load(of peer: UInt64) -> Int { peers[peer]?.count ?? 0 }

    /// Requests `peers` could take now: the room below `maxPerPeer` of each that is not resting.
    public func freeSlots(peers candidates: [UInt64], now: Duration) -> Int {
        candidates.reduce(0) { total, peer in
            let slot = peers[peer]
            if let resting = slot?.restingUntil, resting > now { return total }
            return total + max(0, maxPerPeer - (slot?.count ?? 0))
        }
    }

    /// Assigns the blocks of `wanted` (height order) that are not in flight to the peers that hold them
    /// (`DownloadCandidate.holders`) among `peers`, the least loaded first. Returns the requests to send.
    public mutating func assign(_ wanted: [DownloadCandidate], peers candidates: [UInt64],
                                now: Duration) -> [UInt64: [Hash256]] {
        var ready = candidates.filter { candidate in
            let slot = peers[candidate]
            if let resting = slot?.restingUntil, resting > now { return false }
            return (slot?.count ?? 0) < maxPerPeer
        }
        var out: [UInt64: [Hash256]] = [:]
        for block in wanted where inFlight[block.hash] == nil {
            if ready.isEmpty { break }
            let eligible = ready.indices.filter { block.holders.contains(ready[$0]) }
            guard let pick = eligible.min(by: { (load(of: ready[$0]), ready[$0]) < (load(of: ready[$1]), ready[$1]) })
            else { continue }
            let peer = ready[pick]
            var slot = peers[peer] ?? PeerLoad(timeout: initialTimeout)
            slot.count += 1
            slot.restingUntil = nil
            peers[peer] = slot
            inFlight[block.hash] = Request(peer: peer, requestedAt: now, deadline: now + slot.timeout)
            out[peer, default: []].append(block.hash)
            if slot.count >= maxPerPeer { ready.remove(at: pick) }
        }
        return out
    }

    /// A block arrived (from any peer). Returns the peer it was asked of, if it was in flight.
    @discardableResult
    public mutating func received(_ hash: Hash256, from sender: UInt64, now: Duration) -> UInt64? {
        guard let request = inFlight.removeValue(forKey: hash) else { return nil }
        if request.peer == sender { peers[sender]?.lastDelivery = now }
        if var load = peers[request.peer] {
            load.count -= 1
            if request.peer == sender, now - request.requestedAt < load.timeout / 4 {
                load.timeout = max(initialTimeout, load.timeout / 2)
            }
            peers[request.peer] = load
        }
        return request.peer
    }

    /// The peer does not have these (`notfound`): they go back to be asked of someone else.
    public mutating func notFound(_ hashes: [Hash256], from peer: UInt64) {
        for hash in hashes where inFlight[hash]?.peer == peer {
            inFlight.removeValue(forKey: hash)
            peers[peer]?.count -= 1
        }
    }

    /// Releases the requests past their deadline, doubling each stalled peer's timeout and resting it for
    /// that long. Returns the stalled peers with their released blocks.
    public mutating func expire(now: Duration) -> [UInt64: [Hash256]] {
        var released: [UInt64: [Hash256]] = [:]
        for (hash, request) in inFlight where deadline(of: request) <= now {
            inFlight.removeValue(forKey: hash)
            released[request.peer, default: []].append(hash)
        }
        for (peer, hashes) in released {
            guard var load = peers[peer] else { continue }
            load.count -= hashes.count
            load.timeout = min(maxTimeout, load.timeout * 2)
            load.restingUntil = now + load.timeout
            peers[peer] = load
        }
        return released
    }

    /// The peer left: its requests go back.
    public mutating func remove(peer: UInt64) {
        inFlight = inFlight.filter { $0.value.peer != peer }
        peers.removeValue(forKey: peer)
    }

    /// The earliest deadline in flight.
    public var nextDeadline: Duration? { inFlight.values.map(deadline(of:)).min() }

    /// A request's deadline, moved on by every block its peer has delivered since it was made.
    func deadline(of request: Request) -> Duration {
        guard let delivered = peers[request.peer]?.lastDelivery, delivered > request.requestedAt else {
            return request.deadline
        }
        return delivered + (request.deadline - request.requestedAt)
    }
}

/// A block to download: its hash and height, and the peers known to have it.
public struct DownloadCandidate: Sendable, Hashable {
    public var hash: Hash256
    public var height: UInt64
    public var holders: Set<UInt64>

    public init(hash: Hash256, height: UInt64, holders: Set<UInt64>) {
        self.hash = hash
        self.height = height
        self.holders = holders
    }
}
