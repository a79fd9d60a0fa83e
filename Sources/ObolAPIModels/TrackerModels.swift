/// `GET /tracker`: who the tracker is and what it expects of a node.
public struct TrackerInfoResponse: Codable, Sendable, Hashable {
    /// The tracker's X25519 public key, 64 hex digits: requests are proven against it.
    public var publicKey: String
    /// The network whose nodes it lists.
    public var network: UInt32
    /// A node sends a heartbeat this often; after three missed, its entry is dropped.
    public var heartbeatSeconds: UInt64
    /// The most addresses one `GET /tracker/peers` returns.
    public var maxPeers: Int

    public init(publicKey: String, network: UInt32, heartbeatSeconds: UInt64, maxPeers: Int) {
        self.publicKey = publicKey
        self.network = network
        self.heartbeatSeconds = heartbeatSeconds
        self.maxPeers = maxPeers
    }
}

/// `POST /tracker/register`, `/tracker/heartbeat` and `/tracker/leave`: a claim about a node, proven with the
/// node's static key (docs/PROTOCOL.md, "The tracker").
public struct TrackerRequest: Codable, Sendable, Hashable {
    /// The node id: its static public key, 64 hex digits.
    public var nodeId: String
    /// Where the node accepts peer connections, `HOST:PORT`.
    public var address: String
    public var network: UInt32
    /// Seconds since the Unix epoch; each request of a node must carry a later one than the last.
    public var timestamp: UInt64
    /// HMAC-SHA256 of the claim under a key only the node and the tracker can derive, 64 hex digits.
    public var proof: String

    public init(nodeId: String, address: String, network: UInt32, timestamp: UInt64, proof: String) {
        self.nodeId = nodeId
        self.address = address
        self.network = network
        self.timestamp = timestamp
        self.proof = proof
    }
}

/// `GET /tracker/peers`: listed nodes' addresses, in random order.
public struct TrackerPeersResponse: Codable, Sendable, Hashable {
    public var peers: [String]

    public init(peers: [String]) {
        self.peers = peers
    }
}
