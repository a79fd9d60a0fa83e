/// An inbound connection, as `InboundEviction` weighs it. Times are readings of the node's monotonic clock.
public struct EvictionCandidate: Sendable, Hashable {
    /// The connection's id. Ids grow with each connection, so of two connections opened at the same
    /// reading the higher id is the younger.
    public var id: UInt64
    /// The peer's `PeerEndpoint.group`.
    public var group: String
    public var connectedAt: Duration
    /// The peer's best ping round trip; nil before its first pong.
    public var pingTime: Duration?
    /// When the peer last sent a block we did not have; nil if it never did.
    public var lastBlockAt: Duration?
    /// When the peer last sent a transfer we did not have; nil if it never did.
    public var lastTransferAt: Duration?
    /// Never evicted (static peers and the like).
    public var isProtected: Bool

    public init(id: UInt64, group: String, connectedAt: Duration, pingTime: Duration? = nil,
                lastBlockAt: Duration? = nil, lastTransferAt: Duration? = nil, isProtected: Bool = false) {
        self.id = id
        self.group = group
        self.connectedAt = connectedAt
        self.pingTime = pingTime
        self.lastBlockAt = lastBlockAt
        self.lastTransferAt = lastTransferAt
        self.isProtected = isProtected
    }
}

/// Which inbound connection to drop to make room for a new one: Bitcoin Core's `SelectNodeToEvict`,
/// simplified. An attacker has to beat the honest peers at every measure at once to push them all out.
///
/// In order, these are kept:
/// 1. the protected candidates;
/// 2. the `protectedByPing` with the lowest ping (a peer without a ping is never kept for it);
/// 3. the `protectedByTransfer` that most recently sent a transfer (of those that sent one);
/// 4. the `protectedByBlock` that most recently sent a block (of those that sent one);
/// 5. half of the rest (rounded down), the longest connected.
///
/// Of those left, the group with the most connections loses its youngest connection (between groups of as
/// many connections, the group whose youngest connection is youngest). The choice is deterministic: on
/// equal measures the lower id is kept, and the higher id counts as the younger.
public enum InboundEviction {
    public static let protectedByPing = 4
    public static let protectedByTransfer = 4
    public static let protectedByBlock = 4

    /// The id of the connection to evict; nil when every candidate is kept.
    public static func select(_ candidates: [EvictionCandidate]) -> UInt64? {
        var left = candidates.filter { !$0.isProtected }
        keep(protectedByPing, of: &left, measure: { $0.pingTime.map { .zero - $0 } })
        keep(protectedByTransfer, of: &left, measure: \.lastTransferAt)
        keep(protectedByBlock, of: &left, measure: \.lastBlockAt)
        keep(left.count / 2, of: &left, measure: { .zero - $0.connectedAt })

        var groups: [String: [EvictionCandidate]] = [:]
        for candidate in left { groups[candidate.group, default: []].append(candidate) }
        let youngest = groups.mapValues { $0.max(by: isOlder)! }
        let loser = groups.max { a, b in
            if a.value.count != b.value.count { return a.value.count < b.value.count }
            return isOlder(youngest[a.key]!, youngest[b.key]!)
        }
        return loser.map { youngest[$0.key]!.id }
    }

    /// Removes from `candidates` the `count` with the highest `measure` (nil never qualifies), the lower id
    /// first on equal measures.
    private static func keep(_ count: Int, of candidates: inout [EvictionCandidate],
                             measure: (EvictionCandidate) -> Duration?) {
        guard count > 0 else { return }
        let ranked = candidates.compactMap { candidate in measure(candidate).map { (candidate.id, $0) } }
            .sorted { ($1.1, $0.0) < ($0.1, $1.0) }
        let kept = Set(ranked.prefix(count).map(\.0))
        candidates.removeAll { kept.contains($0.id) }
    }

    /// Whether `a` connected before `b` (the lower id first at the same reading).
    private static func isOlder(_ a: EvictionCandidate, _ b: EvictionCandidate) -> Bool {
        (a.connectedAt, a.id) < (b.connectedAt, b.id)
    }
}
