import ObolCore

/// Everything the HTTP API needs from a running node.
///
/// The router only reads through this protocol and offers transfers to it;
/// it never touches the actors directly. The node's adapter implements it
/// over `ChainActor` and the mempool; tests implement it in memory.
/// Every method answers from one consistent moment of its own, but two calls
/// may see different tips.
public protocol NodeBackend: Sendable {
    /// The network's parameters (name, id, minimum fee). Constant for the
    /// node's lifetime.
    var params: ChainParams { get }

    /// The best tip, how many peers are connected (handshake completed), how
    /// many transfers wait in the mempool, a hash rate (0 when unknown), the
    /// best header's height, and whether blocks of the best header chain are
    /// missing.
    func status() async -> NodeStatus

    /// Outlines (header, transaction count, size) of best-chain blocks at
    /// heights `from`, `from + 1`, … in ascending order: at most `limit` of
    /// them, fewer when the tip comes first, none when `from` is above the
    /// tip. The router never asks for more than `APIOptions.maxPageSize`.
    func blockOutlines(from height: UInt64, limit: Int) async -> [BlockOutline]

    /// A block by hash (any stored block, side branches included) or by
    /// height (best chain only); nil when unknown.
    func block(_ id: BlockID) async -> BlockRecord?

    /// A best-chain transaction with where it is, else a transfer waiting in
    /// the mempool, else nil.
    func transaction(_ txid: Hash256) async -> TransactionRecord?

    /// The account at the best tip (an unknown address is an empty account),
    /// the nonce its next transfer should carry counting its transfers in the
    /// mempool, at most `recentLimit` of its best-chain transactions,
    /// newest first, and the next block's height (what the account may spend
    /// depends on it: coinbase maturity).
    func account(_ address: Address, recentLimit: Int) async -> AccountRecord

    /// How many transfers wait in the mempool, and at most `limit` of them,
    /// the highest fee rate first.
    func mempool(limit: Int) async -> (count: Int, transfers: [Transfer])

    /// At most `limit` mempool transfers that `address` sends or receives: the
    /// ones it sends in nonce order, then the ones that pay it.
    func mempool(involving address: Address, limit: Int) async -> [Transfer]

    /// Offers `transfer` to the mempool, which checks every rule of the node.
    /// A refusal carries the rule's short code and a one-line message.
    func submit(_ transfer: Transfer) async -> SubmitOutcome

    // MARK: Peers
    //
    // A node without a peer layer lists no peers and no bans, refuses
    // `connectPeer` and `ban` with `not-running`, and has no ban to lift.

    /// The connected peers, established or still in their handshake, by id.
    func peers() async -> [PeerRecord]

    /// Connects to `host:port` now and returns the new peer once its
    /// encrypted handshake has completed.
    func connectPeer(host: String, port: Int) async throws(PeerRefusal) -> PeerRecord

    /// The manual bans in force.
    func bans() async -> [BanRecord]

    /// Bans `host` for `duration` seconds from now (replacing a ban already on
    /// it) and drops its connections; returns the ban.
    func ban(host: String, duration: UInt64, reason: String) async throws(PeerRefusal) -> BanRecord

    /// Lifts the ban on `host`; false when it was not banned.
    func unban(host: String) async -> Bool

    /// The hosts the node discouraged for misbehaving, the most recent first.
    func discouraged() async -> [DiscouragedRecord]

    // MARK: Events

    /// What happens from now on, for one `GET /events` client: `.tip` when the best tip moves,
    /// `.mempool` when the mempool's contents change, `.wallet` when a block (connected or
    /// disconnected) or a mempool transfer involves `address` (never when nil). At most `limit`
    /// events wait unread, the oldest dropped first: a reader that falls behind loses events, never
    /// memory. The stream ends when the node stops. The default is a stream that has already ended
    /// (a backend without events).
    func events(watching address: Address?, bufferingNewest limit: Int) -> AsyncStream<NodeEvent>
}

extension NodeBackend {
    public func events(watching address: Address?, bufferingNewest limit: Int) -> AsyncStream<NodeEvent> {
        AsyncStream { $0.finish() }
    }
}
