import ObolCore
import ObolWire

/// One connection in the peer table: its protocol state, its outbox and what the node knows of it.
struct PeerSlot: Sendable {
    let id: UInt64
    let nodeID: [UInt8]
    /// The dialled endpoint (outbound) or the socket's remote address (inbound).
    let endpoint: PeerEndpoint
    let direction: PeerDirection
    let isStatic: Bool
    let outbox: PeerOutbox
    var proto: PeerProtocol
    /// Seconds since the Unix epoch, and the monotonic reading, at connection.
    let connectedSince: UInt64
    let connectedAt: Duration
    var bytesReceived: UInt64 = 0
    /// The best height and work the peer has shown (its `version`, then its headers and blocks).
    var height: UInt64 = 0
    var work: UInt256 = .zero
    var userAgent = ""
    /// The most-work header the peer has shown it has (sent, announced, or asked us for its body).
    var bestKnown: (hash: Hash256, work: UInt256)?
    /// Blocks the peer said it does not have (`notfound`): not asked of it again.
    var lacking = RecentSet<Hash256>(capacity: 1_024)
    /// When it last sent a new valid block / transfer (eviction protects useful peers).
    var lastBlockAt: Duration?
    var lastTransferAt: Duration?
    /// Header announcements in a row that did not connect to our tree.
    var unconnectedHeaders = 0
    /// Set when the node has decided to drop the peer; its task is ending.
    var closing = false

    var isEstablished: Bool { proto.isEstablished && !closing }

    func summary() -> PeerSummary {
        PeerSummary(id: id, nodeID: Hex.encode(nodeID), address: endpoint, direction: direction, height: height,
                    work: work, connectedSince: connectedSince, bytesSent: outbox.bytesSent,
                    bytesReceived: bytesReceived,
                    pingMs: proto.lastPingTime.map { Double($0.components.seconds) * 1_000
                        + Double($0.components.attoseconds) / 1e15 },
                    userAgent: userAgent, established: proto.isEstablished, isStatic: isStatic)
    }
}

/// What a peer's own task does for a message, off the manager: the chain and the mempool are awaited
/// there, so one peer's block never holds up the others, and a peer's next message is read only once
/// its last one is handled.
enum PeerWork: Sendable {
    case headers([BlockHeader])
    case block(Block)
    case transfer(Transfer)
    case inventory([InventoryItem])
    case notFound([InventoryItem])
    case addresses([AddressEntry])
    case serveData([InventoryItem])
    case serveHeaders(HeaderRequest)
    case serveAddresses
    case serveMempool(limit: UInt32)
    /// Assign block downloads (new headers or a new peer).
    case sync
}
