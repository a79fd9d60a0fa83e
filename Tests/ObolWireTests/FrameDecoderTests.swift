import ObolCore
import ObolTestSupport
import ObolWire
import Testing

/// Plays the transport: accumulates chunks the way NIO's cumulation buffer does and drops what the decoder
/// consumed.
private struct StreamFeeder {
    var decoder: FrameDecoder
    var pending: [UInt8] = []
    var messages: [Message] = []

    init(limits: FrameLimits = FrameLimits(params: .test)) { decoder = FrameDecoder(limits: limits) }

    mutating func feed(_ chunk: some Collection<UInt8>) throws(WireError) {
        pending.append(contentsOf: chunk)
        let output = try decoder.decode(pending)
        messages += output.messages
        pending.removeFirst(output.consumed)
    }
}

@Suite(.timeLimit(.minutes(1))) struct FrameDecoderTests {
    /// A stream of one small frame of every kind (the largest samples are left out to keep one-byte feeding quick).
    static let stream: [Message] = WireSamples.everyKind.map(\.message).filter { $0.payloadSize < 20_000 }
    static var streamBytes: [UInt8] { stream.flatMap(\.frame) }

    @Test func decodesAStreamFedOneByteAtATime() throws {
        var feeder = StreamFeeder()
        for byte in Self.streamBytes { try feeder.feed([byte]) }
        #expect(feeder.messages == Self.stream)
        #expect(feeder.pending.isEmpty)
    }

    @Test(arguments: [1, 2, 3, 42, 0xC0FFEE] as [UInt64])
    func decodesAStreamInRandomChunks(seed: UInt64) throws {
        var random = SeededRandom(seed: seed)
        let bytes = Self.streamBytes
        var feeder = StreamFeeder()
        var offset = 0
        while offset < bytes.count {
            let size = min(bytes.count - offset, Int.random(in: 1...700, using: &random))
            try feeder.feed(bytes[offset..<offset + size])
            offset += size
        }
        #expect(feeder.messages == Self.stream)
        #expect(feeder.pending.isEmpty)
    }

    @Test func consumesNothingOfAPartialFrame() throws {
        let frame = Message.ping(nonce: 9).frame
        var decoder = FrameDecoder(limits: FrameLimits(params: .test))
        for end in 0..<frame.count {
            #expect(try decoder.decode(Array(frame[..<end])) == FrameDecoder.Output(messages: [], consumed: 0))
        }
        #expect(decoder.incompleteFrameSize == 13)
        let both = try decoder.decode(frame + frame.prefix(3))
        #expect(decoder.incompleteFrameSize == nil)
        #expect(both.messages == [.ping(nonce: 9)])
        #expect(both.consumed == frame.count)
    }

    @Test func stopsAfterMaxMessages() throws {
        var decoder = FrameDecoder(limits: FrameLimits(params: .test))
        let bytes = Message.verack.frame + Message.getaddr.frame
        let first = try decoder.decode(bytes, maxMessages: 1)
        #expect(first.messages == [.verack])
        #expect(first.consumed == 5)
    }

    @Test(arguments: Command.allCases)
    func refusesAnOversizedDeclarationRightAfterTheHeader(command: Command) throws {
        let limits = FrameLimits(params: .test)
        let cap = limits.cap(for: command)
        func header(_ length: Int) -> [UInt8] {
            var writer = ByteWriter()
            writer.write(command.rawValue)
            writer.write(UInt32(length))
            return writer.bytes
        }
        var atCap = StreamFeeder(limits: limits)
        try atCap.feed(header(cap))
        // Accepted: waits for the payload (or, for an empty one, is already a message).
        #expect(atCap.pending.count == (cap == 0 ? 0 : 5))

        var overCap = StreamFeeder(limits: limits)
        for byte in header(cap + 1).dropLast() { try overCap.feed([byte]) }
        #expect(throws: WireError.frameTooLarge(command: command, length: cap + 1, cap: cap)) {
            try overCap.feed(header(cap + 1).suffix(1))
        }
    }

    @Test func refusesAnUnknownCommandAndSaysSo() throws {
        var feeder = StreamFeeder()
        #expect(throws: WireError.unknownCommand(0x7F)) { try feeder.feed([0x7F, 0, 0, 0, 0]) }
        #expect(WireError.unknownCommand(0x7F).description == "unknown-command: unknown command 0x7f")
    }

    @Test func staysFailedAfterAnError() throws {
        var feeder = StreamFeeder()
        #expect(throws: WireError.frameTooLarge(command: .ping, length: 9, cap: 8)) {
            try feeder.feed([Command.ping.rawValue, 9, 0, 0, 0])
        }
        #expect(feeder.decoder.hasFailed)
        #expect(throws: WireError.decoderFailed) { try feeder.feed(Message.verack.frame) }
    }

    @Test func refusesATruncatedPayloadInsideAFrame() throws {
        // The frame says 4 bytes, but inv needs 4 + 33 for its one declared item.
        var feeder = StreamFeeder()
        #expect(throws: WireError.truncated(needed: 33, available: 0)) {
            try feeder.feed([Command.inv.rawValue, 4, 0, 0, 0, 1, 0, 0, 0])
        }
    }

    @Test func refusesAFrameLongerThanItsMessage() throws {
        var feeder = StreamFeeder()
        #expect(throws: WireError.trailingBytes(1)) {
            // An empty locator and the stop hash take 36 bytes; the frame says 37.
            try feeder.feed([Command.verack.rawValue, 0, 0, 0, 0] + [Command.ping.rawValue, 8, 0, 0, 0] + [UInt8](repeating: 0, count: 8)
                            + [Command.getheaders.rawValue, 37, 0, 0, 0] + [UInt8](repeating: 0, count: 37))
        }
        // The connection closes: the good frames of the failed call are not reported.
        #expect(feeder.messages.isEmpty)
    }

    @Test func refusesAGarbledBlockPayload() throws {
        var frame = Message.block(WireSamples.block()).frame
        frame[5 + 96 + 4] = 0x09  // first transaction's type tag
        var feeder = StreamFeeder()
        #expect(throws: WireError.invalidEncoding(command: .block, .unknownType(field: "transaction", value: 9))) {
            try feeder.feed(frame)
        }
    }

    @Test(arguments: [21, 22, 23] as [UInt64])
    func aValidStreamWithOneByteChangedNeverTraps(seed: UInt64) {
        var random = SeededRandom(seed: seed)
        let bytes = Self.streamBytes
        for _ in 0..<300 {
            var mutated = bytes
            mutated[Int.random(in: 0..<mutated.count, using: &random)] ^= UInt8.random(in: 1...255, using: &random)
            var feeder = StreamFeeder()
            var offset = 0
            do {
                while offset < mutated.count {
                    let size = min(mutated.count - offset, Int.random(in: 1...2_000, using: &random))
                    try feeder.feed(mutated[offset..<offset + size])
                    offset += size
                }
                // Undetected changes only alter field values: never the framing of what follows.
                #expect(feeder.messages.count <= Self.stream.count)
            } catch {
                #expect(feeder.decoder.hasFailed)
            }
        }
    }

    @Test(arguments: [5, 6, 7] as [UInt64])
    func randomGarbageNeverTrapsAndIsRefusedOrWaitedFor(seed: UInt64) {
        var random = SeededRandom(seed: seed)
        for _ in 0..<2_000 {
            var feeder = StreamFeeder()
            let garbage = random.bytes(Int.random(in: 0...64, using: &random))
            do {
                try feeder.feed(garbage)
                // Accepted bytes are only ever whole frames of known commands.
                #expect(feeder.pending.count <= garbage.count)
            } catch {
                #expect(!error.code.isEmpty)
            }
        }
    }
}
