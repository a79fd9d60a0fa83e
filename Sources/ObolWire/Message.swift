import ObolCore

/// A peer-to-peer message (PROTOCOL.md §10.3). Its frame is its command byte, its payload's length and its
/// payload; `Message+Encoding.swift` and `Message+Decoding.swift` hold the two directions.
public enum Message: Sendable, Hashable {
    /// The first message in both directions.
    case version(VersionMessage)
    /// Acknowledges the peer's `version`.
    case verack
    case ping(nonce: UInt64)
    case pong(nonce: UInt64)
    /// Asks for addresses of other peers; the reply is `addr`.
    case getaddr
    /// At most `FrameLimits.maxAddresses` entries.
    case addr([AddressEntry])
    /// Announces transfers (by full hash) and blocks (by block hash) the sender has.
    case inv([InventoryItem])
    /// Asks for the named items; the reply is `tx`/`block` messages, and `notfound` for the rest.
    case getdata([InventoryItem])
    case notfound([InventoryItem])
    /// Asks for the headers that follow the first locator hash found on the receiver's best chain.
    case getheaders(HeaderRequest)
    /// At most `FrameLimits.maxHeaders` headers, each the parent of the next. Also announces new blocks.
    case headers([BlockHeader])
    case block(Block)
    case tx(Transfer)
    /// Asks a new peer for its pending transfers, at most `limit` of them; the reply is `inv`s.
    case mempool(limit: UInt32)

    public var command: Command {
        switch self {
        case .version: .version
        case .verack: .verack
        case .ping: .ping
        case .pong: .pong
        case .getaddr: .getaddr
        case .addr: .addr
        case .inv: .inv
        case .getdata: .getdata
        case .notfound: .notfound
        case .getheaders: .getheaders
        case .headers: .headers
        case .block: .block
        case .tx: .tx
        case .mempool: .mempool
        }
    }
}

/// What a node says about itself in `version`.
public struct VersionMessage: Sendable, Hashable {
    public static let maxUserAgentLength = 256
    /// The fixed fields, an absent address (1 byte) and an empty user agent.
    public static let minEncodedSize = 4 + 4 + 8 + 8 + 32 + 1 + 2
    public static let maxEncodedSize = minEncodedSize - 1 + NetworkAddress.maxEncodedSize + maxUserAgentLength

    /// `WireProtocol.version` of the sender.
    public var protocolVersion: UInt32
    public var networkID: UInt32
    /// A bit set of what the sender offers (`Services`).
    public var services: Services
    public var bestHeight: UInt64
    /// The cumulative work of the sender's best chain.
    public var chainWork: UInt256
    /// Where the sender accepts connections, or nil if it does not listen.
    public var listenAddress: NetworkAddress?
    /// At most `maxUserAgentLength` bytes of UTF-8.
    public var userAgent: String

    public init(protocolVersion: UInt32 = WireProtocol.version, networkID: UInt32, services: Services,
                bestHeight: UInt64, chainWork: UInt256, listenAddress: NetworkAddress?, userAgent: String) {
        self.protocolVersion = protocolVersion
        self.networkID = networkID
        self.services = services
        self.bestHeight = bestHeight
        self.chainWork = chainWork
        self.listenAddress = listenAddress
        self.userAgent = userAgent
    }
}

/// The services bit set (u64) of `version` and `addr`. Unknown bits are kept as they are.
public struct Services: OptionSet, Sendable, Hashable {
    public var rawValue: UInt64
    public init(rawValue: UInt64) { self.rawValue = rawValue }

    /// Serves the whole block history.
    public static let fullNode = Services(rawValue: 1 << 0)
    /// Relays transfers.
    public static let relay = Services(rawValue: 1 << 1)
}

/// One entry of `addr`: an address, when it was last seen (seconds since the Unix epoch) and its services.
public struct AddressEntry: Sendable, Hashable {
    public static let minEncodedSize = 8 + 8 + NetworkAddress.minEncodedSize
    public static let maxEncodedSize = 8 + 8 + NetworkAddress.maxEncodedSize

    public var lastSeen: UInt64
    public var services: Services
    public var address: NetworkAddress

    public init(lastSeen: UInt64, services: Services, address: NetworkAddress) {
        self.lastSeen = lastSeen
        self.services = services
        self.address = address
    }
}

/// An inventory item: a transfer by its full hash (signature included) or a block by its hash.
public struct InventoryItem: Sendable, Hashable {
    public enum Kind: UInt8, Sendable, Hashable {
        case transfer = 1
        case block = 2
    }

    public static let encodedSize = 1 + 32

    public var kind: Kind
    public var hash: Hash256

    public init(kind: Kind, hash: Hash256) {
        self.kind = kind
        self.hash = hash
    }

    public static func transfer(_ transfer: Transfer) -> InventoryItem { .init(kind: .transfer, hash: transfer.fullHash) }
    public static func block(_ hash: Hash256) -> InventoryItem { .init(kind: .block, hash: hash) }
}

/// `getheaders`: a block locator (most recent first) and the hash to stop at (zero: as many as fit).
public struct HeaderRequest: Sendable, Hashable {
    public var locator: [Hash256]
    public var stop: Hash256

    public init(locator: [Hash256], stop: Hash256 = .zero) {
        self.locator = locator
        self.stop = stop
    }
}
