import ObolCore
import ObolWire

/// The peer layer's settings. Defaults follow Bitcoin Core where a 1 MB block makes them fit.
public struct PeerManagerConfiguration: Sendable {
    /// Peers dialled at start and redialled with backoff whenever they drop; never discouraged.
    public var staticPeers: [PeerEndpoint] = []
    /// Outbound connections kept open (static peers count).
    public var maxOutbound = 8
    /// All connections; inbound ones may fill what outbound leaves (`maxConnections - maxOutbound`).
    public var maxConnections = 125
    /// Our user agent in `version`.
    public var userAgent = "obol"
    /// Where the address book (`peers.json`) and the manual bans (`bans.json`) are kept; nil keeps them in memory.
    public var dataDirectory: String?
    /// Timeouts and limits of each peer's protocol (the network id is filled in from the chain).
    public var handshakeTimeout: Duration = .seconds(10)
    public var pingInterval: Duration = .seconds(60)
    public var pongTimeout: Duration = .seconds(20)
    /// How often timers are checked (timeouts, redials).
    public var tickInterval: Duration = .milliseconds(250)

    // Sync
    /// Blocks requested from one peer and not yet received.
    public var blocksInFlightPerPeer = 16
    /// How far past the tip blocks are requested.
    public var downloadWindow = 1_024
    /// A block request's first timeout; it doubles for a peer on each stall, up to `maxBlockTimeout`,
    /// and halves back as the peer delivers.
    public var initialBlockTimeout: Duration = .seconds(2)
    public var maxBlockTimeout: Duration = .seconds(64)

    // Relay
    /// How long a transfer is awaited from one announcer before the next is asked.
    public var transferFetchTimeout: Duration = .seconds(10)
    /// Announced transfers not yet received from one peer; more is an `inv` flood.
    public var maxPendingAnnouncementsPerPeer = 20_000
    /// Transfers asked of a new peer with `mempool`, and the most served in reply to one.
    public var mempoolReplyLimit: UInt32 = 10_000

    // Memory
    /// Bytes queued to send to one peer beyond which a peer that does not read is dropped.
    public var sendBudget = 1 << 20
    /// A peer whose queue has not moved for this long while non-empty is dropped (it does not read).
    public var sendStallTimeout: Duration = .seconds(30)
    /// Addresses kept in memory as discouraged.
    public var maxDiscouraged = 10_000

    // Directory
    /// The tracker the node lists itself with and takes addresses from (`--tracker`); nil for none.
    public var directory: (any PeerDirectory)?
    /// Outbound slots that addresses from the directory alone may fill: it is one unverified source.
    public var maxDirectoryOutbound = 4
    /// How soon a failed directory round is tried again.
    public var directoryRetryInterval: Duration = .seconds(10)

    // Dialling
    /// The first wait before redialling a peer that dropped or failed, doubled per failure up to the maximum.
    public var reconnectBackoff: Duration = .seconds(1)
    public var maxReconnectBackoff: Duration = .seconds(60)

    public init(staticPeers: [PeerEndpoint] = []) {
        self.staticPeers = staticPeers
    }

    /// Inbound connections accepted at most.
    public var maxInbound: Int { max(0, maxConnections - maxOutbound) }

    func peerProtocol(networkID: UInt32, direction: PeerDirection) -> PeerConfiguration {
        var configuration = PeerConfiguration(networkID: networkID)
        // Addresses are asked of the peers we chose, as Bitcoin Core does.
        configuration.asksForAddresses = direction == .outbound
        configuration.handshakeTimeout = handshakeTimeout
        configuration.pingInterval = pingInterval
        configuration.pongTimeout = pongTimeout
        configuration.mempoolRequestLimit = mempoolReplyLimit
        return configuration
    }
}
