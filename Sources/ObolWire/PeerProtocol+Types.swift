import ObolCore

/// What the per-peer protocol is told. Times are readings of a monotonic clock (elapsed since any fixed
/// origin), passed in: the state machine reads no clock.
public enum PeerEvent: Sendable, Equatable {
    /// The encrypted channel is up: send our `version`.
    case connected(now: Duration)
    /// A decoded message from the peer.
    case received(Message, now: Duration)
    /// The frame decoder refused the peer's bytes.
    case malformed(WireError)
    /// A timer fired (the driver schedules one at every `scheduleTick`).
    case tick(now: Duration)
    /// Something the node wants done with this peer.
    case command(PeerCommand)
}

/// A request from the node. Before the handshake completes only `disconnect` has an effect.
public enum PeerCommand: Sendable, Equatable {
    /// Announce new blocks by their headers (those the peer is not known to have).
    case announceHeaders([BlockHeader])
    /// Announce transfers by `inv` (those the peer is not known to have).
    case relayTransfers([Transfer])
    /// Ask the peer for these blocks (`getdata`).
    case requestBlocks([Hash256])
    /// Ask the peer for these transfers, by full hash (`getdata`).
    case requestTransfers([Hash256])
    /// Ask the peer for headers after `locator` (`getheaders`), e.g. after a header announcement did not connect.
    case requestHeaders(locator: [Hash256])
    /// Our best chain moved: the work compared with the peer's and the height to report.
    case ourChainChanged(height: UInt64, work: UInt256)
    /// Send a reply the node prepared (`block`, `tx`, `notfound`, `headers`, `addr`, `inv`).
    case send(Message)
    /// Close the connection; `discourage` when the node found the peer at fault (e.g. an invalid block).
    case disconnect(discourage: Bool)
}

/// What the driver must do.
public enum PeerAction: Sendable, Equatable {
    case send(Message)
    /// The handshake is done; the peer said this about itself.
    case handshakeCompleted(VersionMessage)
    /// For the chain: headers from a `headers` message (a reply or an announcement).
    case deliverHeaders([BlockHeader])
    case deliverBlock(Block)
    case deliverTransfer(Transfer)
    /// The peer has these; the node decides what to request.
    case deliverInventory([InventoryItem])
    /// The peer does not have items we asked for.
    case deliverNotFound([InventoryItem])
    case deliverAddresses([AddressEntry])
    /// The peer asks for these items: reply with `block`/`tx` and one `notfound` for the rest.
    case serveData([InventoryItem])
    /// The peer asks for headers: reply with `headers` (at most `FrameLimits.maxHeaders`).
    case serveHeaders(HeaderRequest)
    /// The peer asks for addresses: reply with `addr` (at most `FrameLimits.maxAddresses`).
    case serveAddresses
    /// The peer asks for pending transfers: reply with `inv`s of at most `limit` transfers.
    case serveMempool(limit: UInt32)
    /// Deliver a `.tick` at this time (the latest request replaces earlier ones).
    case scheduleTick(at: Duration)
    /// Close the connection. Nothing follows.
    case disconnect(DisconnectReason)
}

/// Why a connection ends, and whether the peer is to blame (then it is discouraged).
public enum DisconnectReason: Sendable, Equatable, CustomStringConvertible {
    case handshakeTimeout
    case networkMismatch(ours: UInt32, theirs: UInt32)
    case unsupportedProtocolVersion(UInt32)
    case pongTimeout
    case protocolViolation(ProtocolViolation)
    case malformedFrame(WireError)
    case requestedByNode(discourage: Bool)

    /// Discourage the peer: it broke the protocol or sent bad bytes. Slowness, another network or an old
    /// version are no fault.
    public var isPeerFault: Bool {
        switch self {
        case .handshakeTimeout, .networkMismatch, .unsupportedProtocolVersion, .pongTimeout: false
        case .protocolViolation, .malformedFrame: true
        case let .requestedByNode(discourage): discourage
        }
    }

    public var code: String {
        switch self {
        case .handshakeTimeout: "handshake-timeout"
        case .networkMismatch: "network-mismatch"
        case .unsupportedProtocolVersion: "unsupported-protocol-version"
        case .pongTimeout: "pong-timeout"
        case let .protocolViolation(violation): violation.code
        case let .malformedFrame(error): error.code
        case .requestedByNode: "requested-by-node"
        }
    }

    public var description: String {
        switch self {
        case let .networkMismatch(ours, theirs): "\(code): ours \(ours), theirs \(theirs)"
        case let .unsupportedProtocolVersion(version): "\(code): \(version)"
        case let .protocolViolation(violation): "\(code): \(violation)"
        case let .malformedFrame(error): "malformed-frame: \(error)"
        default: code
        }
    }
}

/// A message out of order. Every one is the peer's fault.
public enum ProtocolViolation: Sendable, Equatable {
    /// Anything but `version` as the peer's first message.
    case messageBeforeVersion(Command)
    /// Anything but `verack` after the peer's `version` and before its `verack`.
    case messageBeforeVerack(Command)
    case duplicateVersion
    case duplicateVerack
    /// A `headers` message whose headers do not each link to the one before.
    case unconnectedHeaders

    public var code: String {
        switch self {
        case .messageBeforeVersion: "message-before-version"
        case .messageBeforeVerack: "message-before-verack"
        case .duplicateVersion: "duplicate-version"
        case .duplicateVerack: "duplicate-verack"
        case .unconnectedHeaders: "unconnected-headers"
        }
    }
}

/// The per-peer protocol's settings.
public struct PeerConfiguration: Sendable, Equatable {
    /// The peer's `version.networkID` must equal ours.
    public var networkID: UInt32
    /// The oldest `version.protocolVersion` we speak with.
    public var minimumProtocolVersion: UInt32 = 1
    /// From `connected` until the peer's `verack`.
    public var handshakeTimeout: Duration = .seconds(10)
    /// Quiet time between a `pong` and the next `ping`.
    public var pingInterval: Duration = .seconds(60)
    /// How long a `ping` may wait for its `pong`.
    public var pongTimeout: Duration = .seconds(20)
    /// Inventory items remembered per peer as known to it (relay never echoes them).
    public var knownInventoryCapacity = 20_000
    /// When set, a `mempool` request with this limit is sent once the handshake completes.
    public var mempoolRequestLimit: UInt32?
    /// Send `getaddr` once the handshake completes (to outbound peers), and accept a full reply to it.
    public var asksForAddresses = false
    /// Addresses accepted from the peer per second, beyond the reply to our `getaddr` (Bitcoin Core's
    /// 0.1): the rest of an `addr` is dropped, so one peer cannot churn the address book.
    public var addressRate = 0.1
    /// The most addresses the allowance saves up to.
    public var addressBurst = Double(FrameLimits.maxAddresses)

    public init(networkID: UInt32) { self.networkID = networkID }
}
