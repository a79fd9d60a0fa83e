import NIOCore
import NIOPosix
import ObolCore
@testable import ObolP2P
import ObolTestSupport
import ObolWire
import Testing

/// Real TCP on loopback only: listeners bind 127.0.0.2, dialers connect from the default source.
@Suite(.timeLimit(.minutes(1)))
struct P2PTransportTests {
    static let host = "127.0.0.2"

    static func configuration(_ key: NoiseKeyPair, params: ChainParams = .test,
                              handshakeTimeout: TimeAmount = .seconds(10)) -> P2PConfiguration {
        P2PConfiguration(params: params, staticKey: key, handshakeTimeout: handshakeTimeout)
    }

    static func version(height: UInt64) -> VersionMessage {
        VersionMessage(networkID: ChainParams.test.networkID, services: [.fullNode, .relay], bestHeight: height,
                       chainWork: UInt256(1_000), listenAddress: nil, userAgent: "obol/test")
    }

    /// A `block` message of about 900 KB: random (not consensus-valid) transfers with 256 bytes of data each.
    static func largeBlock() -> Block {
        var random = SeededRandom(seed: 900)
        let transfers = (0..<2_230).map { _ in
            let t = random.transfer()
            return Transaction.transfer(Transfer(networkID: t.networkID, sender: t.sender, recipient: t.recipient,
                                                 amount: t.amount, fee: t.fee, nonce: t.nonce,
                                                 data: [UInt8](repeating: 0x5A, count: Limits.maxTransferData),
                                                 signature: t.signature))
        }
        return Block(header: random.header(), transactions: [.coinbase(random.coinbase())] + transfers)
    }

    /// Answers like a peer: `version` with `version` + `verack`, `ping` with `pong`, and echoes `block`s.
    static func answer(_ session: PeerSession) async throws {
        for try await message in session.inbound {
            switch message {
            case .version: try await session.send(contentsOf: [.version(version(height: 7)), .verack])
            case let .ping(nonce): try await session.send(.pong(nonce: nonce))
            case .block: try await session.send(message)
            default: break
            }
        }
    }

    /// A listener on 127.0.0.2 whose first accepted connection answers (`answer`) while `body` runs with a
    /// dialled connection; returns what the listener's side saw of its peer's key.
    static func withAnsweringPeer(serverKey: NoiseKeyPair, clientKey: NoiseKeyPair,
                                  _ body: @escaping @Sendable (PeerSession) async throws -> Void) async throws -> [UInt8] {
        let listener = try await P2PListener.bind(host: host, port: 0, configuration: configuration(serverKey))
        #expect(listener.port > 0)
        return try await listener.withIncoming { incoming in
            try await withThrowingTaskGroup(of: [UInt8]?.self) { group in
                group.addTask {
                    let client = try await P2PDialer(configuration: configuration(clientKey))
                        .connect(host: host, port: listener.port, expectedNodeID: serverKey.publicKey)
                    #expect(client.remoteStaticKey == serverKey.publicKey)
                    try await client.run(body)
                    return nil
                }
                var iterator = incoming.makeAsyncIterator()
                let peer = try #require(try await iterator.next())
                let server = try await peer.handshake()
                let seen = server.remoteStaticKey
                // The client closes when its body is done; the answering loop then ends.
                _ = try? await server.run { session in try await answer(session) }
                try await group.waitForAll()
                return seen
            }
        }
    }

    @Test func handshakeThenVersionVerackPingPong() async throws {
        let serverKey = NoiseKeyPair(), clientKey = NoiseKeyPair()
        let seen = try await Self.withAnsweringPeer(serverKey: serverKey, clientKey: clientKey) { session in
            #expect(session.remoteStaticKey == serverKey.publicKey)
            try await session.send(.version(Self.version(height: 1)))
            var inbound = session.inbound.makeAsyncIterator()
            #expect(try await inbound.next() == .version(Self.version(height: 7)))
            #expect(try await inbound.next() == .verack)
            try await session.send(.verack)
            try await session.send(.ping(nonce: 0xFEED))
            #expect(try await inbound.next() == .pong(nonce: 0xFEED))
        }
        #expect(seen == clientKey.publicKey)
    }

    @Test func aBlockOf900KBCrossesIntact() async throws {
        let block = Self.largeBlock()
        let size = Message.block(block).payloadSize
        #expect(size > 900_000 && size <= ChainParams.test.maxBlockSize)
        _ = try await Self.withAnsweringPeer(serverKey: NoiseKeyPair(), clientKey: NoiseKeyPair()) { session in
            try await session.send(.block(block))  // spans 14 Noise messages
            try await session.send(.ping(nonce: 1))
            var inbound = session.inbound.makeAsyncIterator()
            #expect(try await inbound.next() == .block(block))
            #expect(try await inbound.next() == .pong(nonce: 1))
        }
    }

    @Test func aDialerOfAnotherNetworkFailsTheHandshake() async throws {
        let serverKey = NoiseKeyPair()
        let listener = try await P2PListener.bind(host: Self.host, port: 0, configuration: Self.configuration(serverKey))
        var otherNetwork = ChainParams.test
        otherNetwork.magic ^= 1
        let dialer = P2PDialer(configuration: Self.configuration(NoiseKeyPair(), params: otherNetwork))
        try await listener.withIncoming { incoming in
            let error = await #expect(throws: P2PError.self) {
                _ = try await dialer.connect(host: Self.host, port: listener.port)
            }
            #expect(error?.kind == .noise(.decryptionFailed))
            #expect(error?.isPeerFault == false)
            var iterator = incoming.makeAsyncIterator()
            let peer = try #require(try await iterator.next())
            let refused = await #expect(throws: P2PError.self) { _ = try await peer.handshake() }
            #expect(refused?.isPeerFault == false)
            await peer.closed()
        }
    }

    /// Connects with a plain TCP channel (no Noise), writes `bytes`, and returns once the listener closes.
    static func sendRaw(_ bytes: [UInt8], to port: Int) async throws {
        let raw = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .connect(host: host, port: port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel)
                }
            }
        try await raw.executeThenClose { inbound, outbound in
            if !bytes.isEmpty { try await outbound.write(ByteBuffer(bytes: bytes)) }
            do {
                for try await _ in inbound {}  // the listener's handshake message 2, if any, then EOF
            } catch {}  // a reset is a close too
        }
    }

    @Test(arguments: [
        [0x00, 0x00] + Array("garbage".utf8),  // a zero length prefix
        [0x00, 0x07] + Array("garbage".utf8),  // a message 1 shorter than its 32-byte key
    ])
    func garbageOverRawTCPClosesTheConnection(bytes: [UInt8]) async throws {
        let listener = try await P2PListener.bind(host: Self.host, port: 0,
                                                  configuration: Self.configuration(NoiseKeyPair()))
        try await listener.withIncoming { incoming in
            try await Self.sendRaw(bytes, to: listener.port)
            var iterator = incoming.makeAsyncIterator()
            let peer = try #require(try await iterator.next())
            let error = await #expect(throws: P2PError.self) { _ = try await peer.handshake() }
            guard case .noise = error?.kind else {
                Issue.record("expected a Noise error, got \(String(describing: error))")
                return
            }
            await peer.closed()
        }
    }

    @Test func aSilentPeerIsClosedAtTheHandshakeTimeout() async throws {
        let listener = try await P2PListener.bind(
            host: Self.host, port: 0, configuration: Self.configuration(NoiseKeyPair(), handshakeTimeout: .milliseconds(200)))
        try await listener.withIncoming { incoming in
            try await Self.sendRaw([], to: listener.port)  // returns when the listener gives up
            var iterator = incoming.makeAsyncIterator()
            let peer = try #require(try await iterator.next())
            let error = await #expect(throws: P2PError.self) { _ = try await peer.handshake() }
            #expect(error?.kind == .handshakeTimeout)
        }
    }

    @Test func aMalformedFrameInsideNoiseClosesTheConnectionAtThePeersFault() async throws {
        let listener = try await P2PListener.bind(host: Self.host, port: 0,
                                                  configuration: Self.configuration(NoiseKeyPair()))
        try await listener.withIncoming { incoming in
            // A client that speaks Noise but writes plaintext that is no frame: command byte 0xFF.
            let (raw, handshake) = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                .connect(host: Self.host, port: listener.port) { channel in
                    channel.eventLoop.makeCompletedFuture {
                        let completed = channel.eventLoop.makePromise(of: NoiseHandshakeInfo.self)
                        let noise = NoiseHandler(handshake: ObolNoise.handshake(role: .initiator, params: .test,
                                                                                staticKeyPair: NoiseKeyPair()),
                                                 timeout: .seconds(10), handshakeCompleted: completed)
                        try channel.pipeline.syncOperations.addHandler(noise)
                        return (try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel),
                                completed.futureResult)
                    }
                }
            _ = try await handshake.get()
            var iterator = incoming.makeAsyncIterator()
            let peer = try #require(try await iterator.next())
            let server = try await peer.handshake()
            try await raw.executeThenClose { inbound, outbound in
                try await outbound.write(ByteBuffer(bytes: [0xFF, 0, 0, 0, 0]))
                let error = await #expect(throws: P2PError.self) {
                    try await server.run { session in for try await _ in session.inbound {} }
                }
                #expect(error?.kind == .frame(.unknownCommand(0xFF)))
                #expect(error?.isPeerFault == true)
                do { for try await _ in inbound {} } catch {}  // the listener closed it
            }
        }
    }

    @Test func theListenerHandsEachConnectionToItsHandlerAndTheDialerChecksTheNodeID() async throws {
        let serverKey = NoiseKeyPair()
        let listener = try await P2PListener.bind(host: Self.host, port: 0, configuration: Self.configuration(serverKey))
        let dialer = P2PDialer(configuration: Self.configuration(NoiseKeyPair()))
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                try await listener.run { peer in
                    guard let connection = try? await peer.handshake() else { return }
                    _ = try? await connection.run { session in try await Self.answer(session) }
                }
            }
            let error = await #expect(throws: P2PError.self) {
                _ = try await dialer.connect(host: Self.host, port: listener.port, expectedNodeID: NoiseKeyPair().publicKey)
            }
            #expect(error?.kind == .unexpectedNodeID)
            let connection = try await dialer.connect(host: Self.host, port: listener.port,
                                                      expectedNodeID: serverKey.publicKey)
            try await connection.run { session in
                try await session.send(.ping(nonce: 42))
                var inbound = session.inbound.makeAsyncIterator()
                #expect(try await inbound.next() == .pong(nonce: 42))
            }
            await listener.close()  // `run` returns once its handlers have
            try await group.waitForAll()
        }
    }

    @Test func aTransportListeningOnOneLoopbackAddressDialsFromIt() async throws {
        let server = try await TCPPeerTransport.bind(host: "127.0.0.2", port: 0, configuration: Self.configuration(NoiseKeyPair()))
        let client = try await TCPPeerTransport.bind(host: "127.0.0.3", port: 0, configuration: Self.configuration(NoiseKeyPair()))
        let (seen, sink) = AsyncStream<PeerEndpoint>.makeStream()
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                try await server.listen { link in
                    sink.yield(link.remoteEndpoint)
                    await link.close()  // a link is run or closed, never dropped
                }
            }
            let link = try await client.connect(to: server.listenEndpoint!)
            var iterator = seen.makeAsyncIterator()
            #expect(await iterator.next()?.host == "127.0.0.3")
            await link.close()
            group.cancelAll()
        }
        #expect(TCPPeerTransport.source("127.0.0.3", toward: "127.0.0.2") == "127.0.0.3")
        #expect(TCPPeerTransport.source("0.0.0.0", toward: "127.0.0.2") == nil)
        #expect(TCPPeerTransport.source("127.0.0.3", toward: "::1") == nil)
        #expect(TCPPeerTransport.source("127.0.0.3", toward: "192.0.2.1") == nil, "off the machine from loopback")
        #expect(TCPPeerTransport.source("::1", toward: "::1") == "::1")
        #expect(TCPPeerTransport.source("127.0.0.3", toward: "localhost") == nil)
    }

    @Test func aTamperedTransportMessageClosesTheConnectionNotAtThePeersFault() async throws {
        let listener = try await P2PListener.bind(host: Self.host, port: 0,
                                                  configuration: Self.configuration(NoiseKeyPair()))
        try await listener.withIncoming { incoming in
            let configuration = Self.configuration(NoiseKeyPair())
            let (client, handshake, _) = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                .connect(host: Self.host, port: listener.port) { channel in
                    channel.eventLoop.makeCompletedFuture {
                        // Flips a bit in the first transport message (writes 1 and 2 are handshake messages 1 and 3).
                        try channel.pipeline.syncOperations.addHandler(BitFlipper(writeToCorrupt: 3))
                        return try configuration.setUp(channel, role: .initiator)
                    }
                }
            _ = try await handshake.get()
            var iterator = incoming.makeAsyncIterator()
            let peer = try #require(try await iterator.next())
            let server = try await peer.handshake()
            try await client.executeThenClose { _, outbound in
                try await outbound.write(.ping(nonce: 3))
                let error = await #expect(throws: P2PError.self) {
                    try await server.run { session in for try await _ in session.inbound {} }
                }
                #expect(error?.kind == .noise(.decryptionFailed))
                #expect(error?.isPeerFault == false)
            }
        }
    }
}

/// Flips the last bit of the `writeToCorrupt`-th write that reaches the socket.
final class BitFlipper: ChannelOutboundHandler {
    typealias OutboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer
    private let writeToCorrupt: Int
    private var writes = 0

    init(writeToCorrupt: Int) { self.writeToCorrupt = writeToCorrupt }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        var buffer = unwrapOutboundIn(data)
        writes += 1
        if writes == writeToCorrupt, buffer.readableBytes > 0 {
            let last = buffer.writerIndex - 1
            buffer.setInteger(buffer.getInteger(at: last, as: UInt8.self)! ^ 1, at: last)
        }
        context.write(wrapOutboundOut(buffer), promise: promise)
    }
}
