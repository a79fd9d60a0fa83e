import ObolCore

/// One connected peer: an entry of `GET /peers`, and the answer of `POST /peers`.
///
/// In JSON, `nodeID` is `nodeId` and `isStatic` is `static`; `pingMs` is absent before the first ping's
/// answer.
public struct PeerResponse: Codable, Sendable, Hashable {
    /// Which side opened the connection.
    public enum Direction: String, Codable, Sendable, Hashable {
        case inbound, outbound
    }

    /// The connection's id, unique for the node's lifetime.
    public var id: UInt64
    /// The peer's static public key, hex.
    public var nodeID: String
    /// `HOST:PORT` (`[IPv6]:PORT` for IPv6).
    public var address: String
    public var direction: Direction
    /// The best height the peer has shown.
    public var height: UInt64
    /// The chain work of the peer's best block, as far as it has shown.
    public var work: UInt256
    /// Seconds since the Unix epoch.
    public var connectedSince: UInt64
    public var bytesSent: UInt64
    public var bytesReceived: UInt64
    /// The last ping's round trip in milliseconds.
    public var pingMs: Double?
    /// What the peer calls its software.
    public var userAgent: String
    /// Whether the handshake has completed (until then the peer relays nothing).
    public var established: Bool
    /// A peer the node was configured with: redialled when it drops, never discouraged.
    public var isStatic: Bool

    enum CodingKeys: String, CodingKey {
        case id, nodeID = "nodeId", address, direction, height, work, connectedSince, bytesSent, bytesReceived
        case pingMs, userAgent, established, isStatic = "static"
    }

    public init(id: UInt64, nodeID: String, address: String, direction: Direction, height: UInt64, work: UInt256,
                connectedSince: UInt64, bytesSent: UInt64, bytesReceived: UInt64, pingMs: Double?, userAgent: String,
                established: Bool, isStatic: Bool) {
        self.id = id
        self.nodeID = nodeID
        self.address = address
        self.direction = direction
        self.height = height
        self.work = work
        self.connectedSince = connectedSince
        self.bytesSent = bytesSent
        self.bytesReceived = bytesReceived
        self.pingMs = pingMs
        self.userAgent = userAgent
        self.established = established
        self.isStatic = isStatic
    }
}

/// `GET /peers`: the connected peers, established or still in their handshake, by id.
public struct PeerListResponse: Codable, Sendable, Hashable {
    public var peers: [PeerResponse]

    public init(peers: [PeerResponse]) {
        self.peers = peers
    }
}
