import ObolCore

/// One connected peer, as `NodeBackend.peers()` reports it.
public struct PeerRecord: Sendable, Hashable {
    /// Which side opened the connection.
    public enum Direction: String, Sendable, Hashable {
        case inbound, outbound
    }

    /// The connection's id, unique for the node's lifetime.
    public var id: UInt64
    /// The peer's static public key, hex.
    public var nodeID: String
    /// `HOST:PORT` (`[IPv6]:PORT` for IPv6).
    public var address: String
    public var direction: Direction
    /// The best height and chain work the peer has shown.
    public var height: UInt64
    public var work: UInt256
    /// Seconds since the Unix epoch.
    public var connectedSince: UInt64
    public var bytesSent: UInt64
    public var bytesReceived: UInt64
    /// The last ping's round trip in milliseconds; nil before the first answer.
    public var pingMs: Double?
    public var userAgent: String
    /// Whether the handshake has completed.
    public var established: Bool
    /// A peer the node was configured to keep (redialled when it drops).
    public var isStatic: Bool

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

/// A manual ban: no connection to or from `host` until `until`.
public struct BanRecord: Sendable, Hashable {
    public var host: String
    /// Seconds since the Unix epoch.
    public var until: UInt64
    public var reason: String

    public init(host: String, until: UInt64, reason: String) {
        self.host = host
        self.until = until
        self.reason = reason
    }
}

/// A host the node discouraged: it broke a rule, so it is dropped first and never dialled.
public struct DiscouragedRecord: Sendable, Hashable {
    public var host: String
    /// The rule it broke, as the node's log names it.
    public var reason: String
    /// Seconds since the Unix epoch.
    public var since: UInt64

    public init(host: String, reason: String, since: UInt64) {
        self.host = host
        self.reason = reason
        self.since = since
    }
}

/// Why the node refused a peer command: a stable code and a one-line message.
/// The router answers each code with its own status (`APIError.refused`).
public struct PeerRefusal: Error, Sendable, Hashable, CustomStringConvertible {
    public enum Code: String, Sendable, Hashable {
        /// The host is banned.
        case banned
        /// The host misbehaved recently.
        case discouraged
        /// The address is this node's own.
        case selfConnection = "self-connection"
        /// The node is already connected to that peer.
        case duplicate
        /// Every connection slot is taken.
        case noFreeSlot = "no-free-slot"
        /// Nothing answered at the address, or the handshake failed.
        case unreachable
        /// The peer layer is not running, or the node has none.
        case notRunning = "not-running"
    }

    public var code: Code
    public var message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "\(code.rawValue): \(message)" }
}
