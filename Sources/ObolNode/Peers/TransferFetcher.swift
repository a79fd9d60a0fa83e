import ObolCore

/// Which announced transfers to fetch from whom, as a plain value (Bitcoin Core's `TxRequestTracker`,
/// simplified). Each transfer is requested from one announcer at a time; when it does not arrive within
/// `timeout` (or the peer says `notfound`, or leaves), the next announcer is asked. Everything is bounded:
/// the transfers tracked, the announcers remembered per transfer, and the announcements one peer may
/// have outstanding (more is a flood).
public struct TransferFetcher: Sendable {
    struct Tracked: Sendable {
        var requestedFrom: UInt64?
        var deadline: Duration?
        var announcers: [UInt64]
    }

    public let timeout: Duration
    public let maxPerPeer: Int
    public let maxTracked: Int
    public static let maxAnnouncers = 8
    private var tracked: [Hash256: Tracked] = [:]
    private var pendingPerPeer: [UInt64: Int] = [:]

    public init(timeout: Duration, maxPerPeer: Int, maxTracked: Int = 100_000) {
        self.timeout = timeout
        self.maxPerPeer = maxPerPeer
        self.maxTracked = maxTracked
    }

    public var count: Int { tracked.count }

    /// Announcements of `peer` not yet resolved.
    public func pending(of peer: UInt64) -> Int { pendingPerPeer[peer] ?? 0 }

    /// `peer` announced transfers we lack. Returns those to request from it now, or nil when the peer
    /// has more outstanding announcements than `maxPerPeer` (a flood).
    public mutating func announced(_ hashes: [Hash256], by peer: UInt64, now: Duration) -> [Hash256]? {
        var requests: [Hash256] = []
        for hash in hashes {
            if var entry = tracked[hash] {
                guard !entry.announcers.contains(peer), entry.announcers.count < Self.maxAnnouncers else { continue }
                entry.announcers.append(peer)
                tracked[hash] = entry
            } else {
                guard tracked.count < maxTracked else { continue }
                tracked[hash] = Tracked(requestedFrom: peer, deadline: now + timeout, announcers: [peer])
                requests.append(hash)
            }
            pendingPerPeer[peer, default: 0] += 1
            if pendingPerPeer[peer]! > maxPerPeer { return nil }
        }
        return requests
    }

    /// The transfer arrived (or is otherwise known now): forget it.
    public mutating func received(_ hash: Hash256) {
        guard let entry = tracked.removeValue(forKey: hash) else { return }
        for peer in entry.announcers { decrement(peer) }
    }

    /// `peer` does not have `hash`: the next announcer is asked (returned), if any.
    public mutating func notFound(_ hash: Hash256, from peer: UInt64, now: Duration) -> (peer: UInt64, hash: Hash256)? {
        guard let entry = tracked[hash], entry.requestedFrom == peer else { return nil }
        return advance(hash, now: now)
    }

    /// Requests past their deadline move on to the next announcer. Returns the new requests.
    public mutating func expire(now: Duration) -> [(peer: UInt64, hash: Hash256)] {
        let due = tracked.filter { $0.value.deadline.map { $0 <= now } ?? false }.map(\.key)
        return due.compactMap { advance($0, now: now) }
    }

    /// `peer` left: its requests move on to the next announcers (returned).
    public mutating func remove(peer: UInt64, now: Duration) -> [(peer: UInt64, hash: Hash256)] {
        var moved: [(UInt64, Hash256)] = []
        for (hash, entry) in tracked where entry.announcers.contains(peer) {
            if entry.requestedFrom == peer {
                if let next = advance(hash, now: now) { moved.append(next) }
            } else {
                tracked[hash]?.announcers.removeAll { $0 == peer }
            }
        }
        pendingPerPeer.removeValue(forKey: peer)
        return moved
    }

    /// Drops the current announcer of `hash` and asks the next one; forgets the transfer when none is left.
    private mutating func advance(_ hash: Hash256, now: Duration) -> (peer: UInt64, hash: Hash256)? {
        guard var entry = tracked[hash] else { return nil }
        if let current = entry.requestedFrom {
            entry.announcers.removeAll { $0 == current }
            decrement(current)
        }
        guard let next = entry.announcers.first else {
            tracked.removeValue(forKey: hash)
            return nil
        }
        entry.requestedFrom = next
        entry.deadline = now + timeout
        tracked[hash] = entry
        return (next, hash)
    }

    private mutating func decrement(_ peer: UInt64) {
        guard let count = pendingPerPeer[peer] else { return }
        pendingPerPeer[peer] = count > 1 ? count - 1 : nil
    }
}
