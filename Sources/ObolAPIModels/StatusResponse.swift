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
    /// Peers whose handshake has completed.
    public var peers: Int
    /// Height of the best header chain the node knows (at least `height` once synced).
    public var headers: UInt64
    /// True while blocks of the best header chain are missing (the node is catching up).
    public var syncing: Bool
    /// Transfers waiting in the mempool.
    public var mempoolSize: Int
    /// The smallest fee, in base units, a transfer may pay on this network.
    public var minimumFee: UInt64

    public init(network: String, networkID: UInt32, height: UInt64, tip: Hash256, work: UInt256, target: UInt256,
                hashRate: Double, peers: Int, mempoolSize: Int, minimumFee: UInt64, headers: UInt64? = nil,
                syncing: Bool = false) {
        self.network = network
        self.networkID = networkID
        self.height = height
        self.tip = tip
        self.work = work
        self.target = target
        self.hashRate = hashRate
        self.peers = peers
        self.headers = headers ?? height
        self.syncing = syncing
        self.mempoolSize = mempoolSize
        self.minimumFee = minimumFee
    }
}

extension StatusResponse {
    /// Reads `headers` and `syncing` as `height` and false when absent (a node from before they existed).
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let height = try c.decode(UInt64.self, forKey: .height)
        self.init(network: try c.decode(String.self, forKey: .network),
                  networkID: try c.decode(UInt32.self, forKey: .networkID), height: height,
                  tip: try c.decode(Hash256.self, forKey: .tip), work: try c.decode(UInt256.self, forKey: .work),
                  target: try c.decode(UInt256.self, forKey: .target),
                  hashRate: try c.decode(Double.self, forKey: .hashRate), peers: try c.decode(Int.self, forKey: .peers),
                  mempoolSize: try c.decode(Int.self, forKey: .mempoolSize),
                  minimumFee: try c.decode(UInt64.self, forKey: .minimumFee),
                  headers: try c.decodeIfPresent(UInt64.self, forKey: .headers),
                  syncing: try c.decodeIfPresent(Bool.self, forKey: .syncing) ?? false)
    }
}
