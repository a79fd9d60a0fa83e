// TEMPORARY: replaced by the helper's types at merge.
import ObolWire
public struct AddressBook: Sendable {
    public init() {}
    public var count: Int { 0 }
    @discardableResult public mutating func add(_ endpoints: [PeerEndpoint], source: String, now: UInt64) -> Int { 0 }
    public mutating func markAttempt(_ e: PeerEndpoint, now: UInt64) {}
    public mutating func markGood(_ e: PeerEndpoint, now: UInt64) {}
    public mutating func markFailed(_ e: PeerEndpoint, now: UInt64) {}
    public func select(count: Int, now: UInt64, excluding: (PeerEndpoint) -> Bool, using rng: inout some RandomNumberGenerator) -> [PeerEndpoint] { [] }
    public func sample(count: Int, using rng: inout some RandomNumberGenerator) -> [(endpoint: PeerEndpoint, lastSeen: UInt64)] { [] }
    public func save(to path: String) throws {}
    public static func load(from path: String) throws -> AddressBook { .init() }
}
public struct BanList: Sendable {
    public init() {}
    public var bans: [PeerBan] { [] }
    public mutating func ban(host: String, until: UInt64, reason: String) {}
    @discardableResult public mutating func unban(host: String) -> Bool { false }
    public func isBanned(_ host: String, now: UInt64) -> Bool { false }
    @discardableResult public mutating func expire(now: UInt64) -> Int { 0 }
    public func save(to path: String) throws {}
    public static func load(from path: String) throws -> BanList { .init() }
}
public struct EvictionCandidate: Sendable {
    public init(id: UInt64, group: String, connectedAt: Duration, pingTime: Duration?, lastBlockAt: Duration?, lastTransferAt: Duration?, isProtected: Bool) {}
}
public enum InboundEviction { public static func select(_ candidates: [EvictionCandidate]) -> UInt64? { nil } }
