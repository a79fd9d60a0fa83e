import ObolCore
import ObolTestSupport
import ObolWire
import Testing

/// Two peers joined through real frames: every message one side sends is framed, fed to the other side's
/// `FrameDecoder` in two pieces, and handed to its `PeerProtocol`.
private struct PeerPair {
    var peers: [PeerProtocol]
    var decoders = [FrameDecoder](repeating: FrameDecoder(limits: FrameLimits(params: .test)), count: 2)
    /// Everything except `send`, per side, in order.
    var delivered: [[PeerAction]] = [[], []]
    /// Messages in flight to each side.
    var inbox: [[Message]] = [[], []]

    init(_ a: PeerProtocol, _ b: PeerProtocol) { peers = [a, b] }

    mutating func apply(_ event: PeerEvent, to side: Int) {
        for action in peers[side].handle(event) {
            if case let .send(message) = action { inbox[1 - side].append(message) } else { delivered[side].append(action) }
        }
    }

    /// Delivers messages until both sides are quiet.
    mutating func run(now: Duration) throws {
        while let side = inbox.firstIndex(where: { !$0.isEmpty }) {
            let bytes = inbox[side].flatMap(\.frame)
            inbox[side] = []
            let split = bytes.count / 2
            var output = try decoders[side].decode(bytes[..<split])
            var messages = output.messages
            output = try decoders[side].decode(bytes[output.consumed...])
            messages += output.messages
            for message in messages { apply(.received(message, now: now), to: side) }
        }
    }
}

@Suite(.timeLimit(.minutes(1))) struct PeerPairTests {
    static func peer(work: UInt64) -> PeerProtocol {
        PeerProtocol(configuration: PeerConfiguration(networkID: ChainParams.test.networkID),
                     ourVersion: WireSamples.version(work: UInt256(work)), locator: [ChainParams.test.genesisBlock.hash],
                     nonceSeed: work)
    }

    @Test func twoPeersCompleteTheHandshakeAndTheBehindOneAsksForHeaders() throws {
        var pair = PeerPair(Self.peer(work: 10), Self.peer(work: 20))
        pair.apply(.connected(now: .zero), to: 0)
        pair.apply(.connected(now: .zero), to: 1)
        try pair.run(now: .seconds(1))
        #expect(pair.peers.allSatisfy { $0.isEstablished })
        #expect(pair.delivered[0].contains(.handshakeCompleted(WireSamples.version(work: UInt256(20)))))
        #expect(pair.delivered[1].contains(.serveHeaders(HeaderRequest(locator: [ChainParams.test.genesisBlock.hash]))))

        let headers = PeerProtocolTests.chain(3)
        pair.apply(.command(.send(.headers(headers))), to: 1)
        try pair.run(now: .seconds(2))
        #expect(pair.delivered[0].last == .deliverHeaders(headers))
        // Side 1 sent them, so it never announces them back.
        pair.apply(.command(.announceHeaders(headers)), to: 1)
        #expect(pair.inbox[0].isEmpty)
    }

    @Test func pingsFlowBothWaysAndKeepTheConnection() throws {
        var pair = PeerPair(Self.peer(work: 10), Self.peer(work: 10))
        pair.apply(.connected(now: .zero), to: 0)
        pair.apply(.connected(now: .zero), to: 1)
        try pair.run(now: .zero)
        for minute in 1...5 {
            let now = Duration.seconds(60 * minute + 1)
            pair.apply(.tick(now: now), to: 0)
            pair.apply(.tick(now: now), to: 1)
            try pair.run(now: now)
            pair.apply(.tick(now: now + .seconds(30)), to: 0)
            pair.apply(.tick(now: now + .seconds(30)), to: 1)
        }
        #expect(pair.peers.allSatisfy { $0.isEstablished })
    }
}
