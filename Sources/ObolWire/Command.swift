import ObolCore

/// A frame's command byte (PROTOCOL.md §10.2). Any other byte is `WireError.unknownCommand`.
public enum Command: UInt8, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    case version = 0x00
    case verack = 0x01
    case ping = 0x02
    case pong = 0x03
    case getaddr = 0x04
    case addr = 0x05
    case inv = 0x06
    case getdata = 0x07
    case notfound = 0x08
    case getheaders = 0x09
    case headers = 0x0A
    case block = 0x0B
    case tx = 0x0C
    case mempool = 0x0D

    public var description: String { "\(name)" }

    private var name: String {
        switch self {
        case .version: "version"
        case .verack: "verack"
        case .ping: "ping"
        case .pong: "pong"
        case .getaddr: "getaddr"
        case .addr: "addr"
        case .inv: "inv"
        case .getdata: "getdata"
        case .notfound: "notfound"
        case .getheaders: "getheaders"
        case .headers: "headers"
        case .block: "block"
        case .tx: "tx"
        case .mempool: "mempool"
        }
    }
}

/// The most payload bytes a frame of each command may declare, checked on the 5-byte frame header before any
/// payload byte is buffered. Every cap is the largest valid encoding of that message, derived from the limits
/// below and, for `block`, from the network's `maxBlockSize`.
public struct FrameLimits: Sendable, Hashable {
    /// Entries in one `addr` message.
    public static let maxAddresses = 1_000
    /// Items in one `inv`, `getdata` or `notfound` (Bitcoin's MAX_INV_SZ; also `Limits.maxBlockTransactions`).
    public static let maxInventory = 50_000
    /// Hashes in a `getheaders` locator.
    public static let maxLocatorHashes = 101
    /// Headers in one `headers` message.
    public static let maxHeaders = 2_000

    /// The network's largest block encoding (`ChainParams.maxBlockSize`).
    public let maxBlockSize: Int

    public init(params: ChainParams) { self.init(maxBlockSize: params.maxBlockSize) }

    public init(maxBlockSize: Int) {
        precondition(maxBlockSize > 0 && maxBlockSize <= Limits.maxBlockSize)
        self.maxBlockSize = maxBlockSize
    }

    /// The cap on `command`'s declared payload length.
    public func cap(for command: Command) -> Int {
        switch command {
        case .version: VersionMessage.maxEncodedSize
        case .verack, .getaddr: 0
        case .ping, .pong: 8
        case .addr: 4 + Self.maxAddresses * AddressEntry.maxEncodedSize
        case .inv, .getdata, .notfound: 4 + Self.maxInventory * InventoryItem.encodedSize
        case .getheaders: 4 + Self.maxLocatorHashes * 32 + 32
        case .headers: 4 + Self.maxHeaders * BlockHeader.size
        // A block's size is its encoding, and a larger one is invalid (`block-too-large`).
        case .block: maxBlockSize
        case .tx: Transfer.baseSize + Limits.maxTransferData
        case .mempool: 4
        }
    }
}
