import ObolCore

/// `GET /status`: the node's view of its network and best chain.
///
/// Hashes and 256-bit numbers are lower-case hex strings (`tip` in the
/// reversed, leading-zeros form people read); counts are JSON numbers.
public struct StatusResponse: Codable, Sendable, Hashable {
    /// Network name, such as `devnet`.
    public var network: String
    /// The id every transfer on this network must carry (signing needs it).
    public var networkID: UInt32
    /// Height of the best tip (genesis is 0).
    public var height: UInt64
    /// Hash of the best tip.
    public var tip: Hash256
    /// Cumulative proof of work of the best chain.
    public var work: UInt256
    /// The tip's target: a block hash must be at or below it.
    public var target: UInt256
    /// Hashes per second: the local miner's rate or the node's estimate of
    /// the network's; 0 when unknown.
    public var hashRate: Double
    /// Connected peers.
    public var peers: Int
    /// Transfers waiting in the mempool.
    public var mempoolSize: Int
    /// The smallest fee, in base units, a transfer may pay on this network.
    public var minimumFee: UInt64

    public init(network: String, networkID: UInt32, height: UInt64, tip: Hash256, work: UInt256, target: UInt256,
                hashRate: Double, peers: Int, mempoolSize: Int, minimumFee: UInt64) {
        self.network = network
        self.networkID = networkID
        self.height = height
        self.tip = tip
        self.work = work
        self.target = target
        self.hashRate = hashRate
        self.peers = peers
        self.mempoolSize = mempoolSize
        self.minimumFee = minimumFee
    }
}
