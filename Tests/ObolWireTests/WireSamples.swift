import ObolCore
import ObolTestSupport
import ObolWire
import Testing

/// A named message for parameterised tests.
struct MessageCase: Sendable, CustomTestStringConvertible {
    let name: String
    let message: Message
    var testDescription: String { name }
}

/// Sample messages of every kind, built from a fixed seed.
enum WireSamples {
    static let ipv4 = NetworkAddress.ipv4(10, 0, 0, 1, port: 8_333)
    static let ipv6 = NetworkAddress(host: .ipv6(high: 0x2001_0db8_0000_0000, low: 0x0000_0000_0000_0001), port: 65_535)

    static func version(userAgent: String = "obol/0.1", address: NetworkAddress? = ipv4,
                        networkID: UInt32 = ChainParams.test.networkID, work: UInt256 = UInt256(1_000)) -> VersionMessage {
        VersionMessage(networkID: networkID, services: [.fullNode, .relay], bestHeight: 42, chainWork: work,
                       listenAddress: address, userAgent: userAgent)
    }

    static func addresses(_ count: Int, address: NetworkAddress = ipv6) -> [AddressEntry] {
        (0..<count).map { AddressEntry(lastSeen: 1_700_000_000 + UInt64($0), services: .fullNode, address: address) }
    }

    static func inventory(_ count: Int) -> [InventoryItem] {
        var random = SeededRandom(seed: 7)
        return (0..<count).map { InventoryItem(kind: $0 % 2 == 0 ? .block : .transfer, hash: random.hash()) }
    }

    static func hashes(_ count: Int) -> [Hash256] {
        var random = SeededRandom(seed: 11)
        return (0..<count).map { _ in random.hash() }
    }

    static func headers(_ count: Int) -> [BlockHeader] {
        var random = SeededRandom(seed: 13)
        return (0..<count).map { _ in random.header() }
    }

    static func transfer(dataSize: Int = 40) -> Transfer {
        var random = SeededRandom(seed: 17)
        let t = random.transfer()
        return Transfer(networkID: t.networkID, sender: t.sender, recipient: t.recipient, amount: t.amount, fee: t.fee,
                        nonce: t.nonce, data: [UInt8](repeating: 0xAB, count: dataSize), signature: t.signature)
    }

    static func block() -> Block {
        var random = SeededRandom(seed: 19)
        return random.block(maxTransfers: 6)
    }

    /// One or more messages of every command, including the largest valid ones.
    static let everyKind: [MessageCase] = [
        MessageCase(name: "version", message: .version(version())),
        MessageCase(name: "version, IPv6, no user agent", message: .version(version(userAgent: "", address: ipv6))),
        MessageCase(name: "version, not listening, max work", message: .version(version(address: nil, work: .max))),
        MessageCase(name: "version, 256-byte user agent", message: .version(version(userAgent: String(repeating: "é", count: 128),
                                                                                    address: ipv6))),
        MessageCase(name: "verack", message: .verack),
        MessageCase(name: "ping", message: .ping(nonce: 0xDEAD_BEEF_0BAD_F00D)),
        MessageCase(name: "pong", message: .pong(nonce: 0)),
        MessageCase(name: "getaddr", message: .getaddr),
        MessageCase(name: "addr, empty", message: .addr([])),
        MessageCase(name: "addr, mixed families", message: .addr(addresses(2) + addresses(3, address: ipv4))),
        MessageCase(name: "addr, 1,000", message: .addr(addresses(FrameLimits.maxAddresses))),
        MessageCase(name: "inv", message: .inv(inventory(3))),
        MessageCase(name: "inv, 50,000", message: .inv(inventory(FrameLimits.maxInventory))),
        MessageCase(name: "getdata", message: .getdata(inventory(2))),
        MessageCase(name: "notfound", message: .notfound(inventory(1))),
        MessageCase(name: "getheaders", message: .getheaders(HeaderRequest(locator: hashes(10), stop: hashes(1)[0]))),
        MessageCase(name: "getheaders, 101 hashes", message: .getheaders(HeaderRequest(locator: hashes(101)))),
        MessageCase(name: "headers, empty", message: .headers([])),
        MessageCase(name: "headers, 2,000", message: .headers(headers(FrameLimits.maxHeaders))),
        MessageCase(name: "block", message: .block(block())),
        MessageCase(name: "tx", message: .tx(transfer())),
        MessageCase(name: "tx, 256 bytes of data", message: .tx(transfer(dataSize: Limits.maxTransferData))),
        MessageCase(name: "mempool", message: .mempool(limit: 5_000)),
    ]
}
