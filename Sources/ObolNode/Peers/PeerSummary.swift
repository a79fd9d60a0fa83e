import ObolCore
import ObolWire

/// Which side opened a connection.
public enum PeerDirection: String, Sendable, Hashable, Codable {
    case inbound, outbound
}

/// One connected peer, as `GET /peers` shows it.
public struct PeerSummary: Sendable, Hashable {
    /// The connection's id (the `Origin.peer` of what it sent).
    public var id: UInt64
    /// The peer's static public key, hex.
    public var nodeID: String
    public var address: PeerEndpoint
    public var direction: PeerDirection
    /// The best height and chain work the peer has shown us (its `version`, then its headers and blocks).
    public var height: UInt64
    public var work: UInt256
    /// Seconds since the Unix epoch.
    public var connectedSince: UInt64
    public var bytesSent: UInt64
    public var bytesReceived: UInt64
    /// The last ping's round trip, in milliseconds (nil before the first pong).
    public var pingMs: Double?
    public var userAgent: String
    /// Whether the handshake has completed.
    public var established: Bool
    /// A `--peer`: redialled when it drops, never discouraged.
    public var isStatic: Bool
}

/// A manual ban: no connection to or from `host` until `until`.
public struct PeerBan: Sendable, Hashable, Codable {
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

/// How far the node is behind the best header chain it knows.
public struct SyncProgress: Sendable, Hashable {
    public var height: UInt64
    /// The best header's height.
    public var headers: UInt64
    /// True while blocks of the best header chain are missing.
    public var syncing: Bool
    public var peers: Int
}

/// Why `PeerManager.connect(to:)` failed.
public struct PeerConnectError: Error, Sendable, Hashable, CustomStringConvertible {
    public enum Code: String, Sendable, Hashable {
        case banned, discouraged, selfConnection = "self-connection", duplicate, full = "no-free-slot"
        case unreachable, notRunning = "not-running"
    }

    public var code: Code
    public var message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "\(code.rawValue): \(message)" }
}
