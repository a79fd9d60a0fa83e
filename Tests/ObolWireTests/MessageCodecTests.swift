import ObolCore
import ObolTestSupport
import ObolWire
import Testing

@Suite(.timeLimit(.minutes(1))) struct MessageCodecTests {
    let limits = FrameLimits(params: .test)

    @Test(arguments: WireSamples.everyKind)
    func everyMessageRoundTripsToTheSameBytes(_ sample: MessageCase) throws {
        let payload = sample.message.payload
        #expect(payload.count == sample.message.payloadSize)
        #expect(payload.count <= limits.cap(for: sample.message.command))
        let decoded = try Message.decode(command: sample.message.command, payload: payload)
        #expect(decoded == sample.message)
        #expect(decoded.payload == payload)

        var decoder = FrameDecoder(limits: limits)
        let output = try decoder.decode(sample.message.frame)
        #expect(output.messages == [sample.message])
        #expect(output.consumed == payload.count + 5)
    }

    @Test func everyCommandHasASample() {
        #expect(Set(WireSamples.everyKind.map(\.message.command)) == Set(Command.allCases))
    }

    @Test func capsAreTheLargestValidEncodings() {
        let largest: [Message] = [
            .version(WireSamples.version(userAgent: String(repeating: "a", count: 256), address: WireSamples.ipv6)),
            .ping(nonce: 1), .pong(nonce: 1), .verack, .getaddr, .mempool(limit: 1),
            .addr(WireSamples.addresses(FrameLimits.maxAddresses)),
            .inv(WireSamples.inventory(FrameLimits.maxInventory)),
            .getheaders(HeaderRequest(locator: WireSamples.hashes(FrameLimits.maxLocatorHashes))),
            .headers(WireSamples.headers(FrameLimits.maxHeaders)),
            .tx(WireSamples.transfer(dataSize: Limits.maxTransferData)),
        ]
        for message in largest {
            #expect(message.payloadSize == limits.cap(for: message.command), "\(message.command)")
        }
        #expect(limits.cap(for: .block) == ChainParams.test.maxBlockSize)
        // The numbers of PROTOCOL.md §10.2.
        let documented: [Command: Int] = [.version: 333, .verack: 0, .ping: 8, .pong: 8, .getaddr: 0, .addr: 35_004,
                                          .inv: 1_650_004, .getdata: 1_650_004, .notfound: 1_650_004,
                                          .getheaders: 3_268, .headers: 192_004, .tx: 404, .mempool: 4]
        for (command, cap) in documented { #expect(limits.cap(for: command) == cap, "\(command)") }
    }

    /// A limit, exactly at which a message decodes and one past which it fails with `expected`.
    struct LimitCase: Sendable, CustomTestStringConvertible {
        let name: String
        let atLimit: Message
        let overLimit: Message
        let expected: WireError
        var testDescription: String { name }
    }

    static let limitCases: [LimitCase] = [
        LimitCase(name: "addr entries", atLimit: .addr(WireSamples.addresses(1_000, address: WireSamples.ipv4)),
                  overLimit: .addr(WireSamples.addresses(1_001, address: WireSamples.ipv4)),
                  expected: .countTooLarge(field: "addr.count", count: 1_001, limit: 1_000)),
        LimitCase(name: "inv items", atLimit: .inv(WireSamples.inventory(50_000)), overLimit: .inv(WireSamples.inventory(50_001)),
                  expected: .countTooLarge(field: "inventory.count", count: 50_001, limit: 50_000)),
        LimitCase(name: "getdata items", atLimit: .getdata(WireSamples.inventory(50_000)),
                  overLimit: .getdata(WireSamples.inventory(50_001)),
                  expected: .countTooLarge(field: "inventory.count", count: 50_001, limit: 50_000)),
        LimitCase(name: "locator hashes", atLimit: .getheaders(HeaderRequest(locator: WireSamples.hashes(101))),
                  overLimit: .getheaders(HeaderRequest(locator: WireSamples.hashes(102))),
                  expected: .countTooLarge(field: "getheaders.count", count: 102, limit: 101)),
        LimitCase(name: "headers", atLimit: .headers(WireSamples.headers(2_000)), overLimit: .headers(WireSamples.headers(2_001)),
                  expected: .countTooLarge(field: "headers.count", count: 2_001, limit: 2_000)),
        LimitCase(name: "user agent bytes", atLimit: .version(WireSamples.version(userAgent: String(repeating: "u", count: 256))),
                  overLimit: .version(WireSamples.version(userAgent: String(repeating: "u", count: 257))),
                  expected: .userAgentTooLong(257)),
    ]

    @Test(arguments: limitCases)
    func messagesAtTheirLimitDecodeAndOnePastFails(_ limit: LimitCase) throws {
        let command = limit.atLimit.command
        #expect(try Message.decode(command: command, payload: limit.atLimit.payload) == limit.atLimit)
        #expect(throws: limit.expected) { try Message.decode(command: command, payload: limit.overLimit.payload) }
    }

    @Test func transferDataOverTheLimitIsAnInvalidEncoding() {
        let payload = WireSamples.transfer(dataSize: Limits.maxTransferData + 1).encoded
        #expect(throws: WireError.invalidEncoding(command: .tx, .countTooLarge(field: "transfer.data", count: 257,
                                                                                limit: Limits.maxTransferData))) {
            try Message.decode(command: .tx, payload: payload)
        }
    }

    @Test func aCountIsCheckedAgainstTheBytesLeftBeforeAllocating() {
        // Claims 50,000 items but carries one.
        var payload: [UInt8] = [0x50, 0xC3, 0x00, 0x00]
        payload += [1] + [UInt8](repeating: 0, count: 32)
        #expect(throws: WireError.truncated(needed: 50_000 * 33, available: 33)) {
            try Message.decode(command: .inv, payload: payload)
        }
    }

    @Test func unknownInventoryTypeAndAddressFamilyAreRefused() {
        #expect(throws: WireError.unknownInventoryType(3)) {
            try Message.decode(command: .getdata, payload: [1, 0, 0, 0, 3] + [UInt8](repeating: 0, count: 32))
        }
        var addr = Message.addr(WireSamples.addresses(1, address: WireSamples.ipv4)).payload
        addr[4 + 16] = 5
        #expect(throws: WireError.unknownAddressFamily(5)) { try Message.decode(command: .addr, payload: addr) }
        var version = Message.version(WireSamples.version()).payload
        version[56] = 0x46
        #expect(throws: WireError.unknownAddressFamily(0x46)) { try Message.decode(command: .version, payload: version) }
    }

    @Test func userAgentMustBeUTF8() {
        var payload = Message.version(WireSamples.version(userAgent: "ab", address: nil)).payload
        payload[payload.count - 1] = 0xFF
        #expect(throws: WireError.userAgentNotUTF8) { try Message.decode(command: .version, payload: payload) }
    }

    @Test func trailingAndMissingBytesAreRefused() {
        #expect(throws: WireError.trailingBytes(1)) { try Message.decode(command: .ping, payload: [UInt8](repeating: 0, count: 9)) }
        #expect(throws: WireError.truncated(needed: 8, available: 7)) {
            try Message.decode(command: .pong, payload: [UInt8](repeating: 0, count: 7))
        }
        #expect(throws: WireError.trailingBytes(1)) { try Message.decode(command: .verack, payload: [0]) }
    }

    @Test func addressesEncodeTheirOctetsInNetworkOrder() {
        var writer = ByteWriter()
        NetworkAddress.ipv4(192, 168, 1, 2, port: 0x1234).encode(to: &writer)
        #expect(writer.bytes == [4, 192, 168, 1, 2, 0x34, 0x12])
        #expect(NetworkAddress.ipv4(192, 168, 1, 2, port: 80).description == "192.168.1.2:80")
    }
}
