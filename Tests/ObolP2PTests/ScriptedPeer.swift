import NIOCore
import NIOPosix
import ObolCore
import ObolWire

/// A scripted peer for adversarial tests: a TCP connection from its own loopback address, whose Noise XX
/// handshake and transport messages are made by ObolWire's plain structs (`HandshakeState`, `NoiseTransport`,
/// `NoiseFrameBuffer`) rather than by ObolP2P's pipeline, the code under test. It can therefore write anything:
/// bytes that are no Noise message, plaintext that is no wire frame, frames over their caps, messages a node
/// would never send; and it can stop reading.
enum ScriptedPeer {
    /// Why a script could not go on.
    struct ScriptError: Error, CustomStringConvertible {
        var description: String
    }

    /// Connects from `host` (port 0) to `endpoint` over plain TCP and runs `body` with the connection; the
    /// connection is closed when `body` returns or throws. `receiveBufferSize` sets the socket's `SO_RCVBUF`
    /// before connecting (a small one makes a peer that stops reading fill up quickly).
    static func raw<Result: Sendable>(from host: String, to endpoint: PeerEndpoint, receiveBufferSize: Int? = nil,
                                      _ body: (inout RawConnection) async throws -> Result) async throws -> Result {
        var bootstrap = ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .channelOption(.socketOption(.tcp_nodelay), value: 1)
            .bind(to: try SocketAddress(ipAddress: host, port: 0))
        if let receiveBufferSize {
            bootstrap = bootstrap.channelOption(.socketOption(.so_rcvbuf), value: SocketOptionValue(receiveBufferSize))
        }
        let channel = try await bootstrap.connect(host: endpoint.host, port: endpoint.port) { channel in
            channel.eventLoop.makeCompletedFuture {
                try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel)
            }
        }
        return try await channel.executeThenClose { inbound, outbound in
            var connection = RawConnection(inbound: inbound.makeAsyncIterator(), outbound: outbound,
                                           channel: channel.channel)
            return try await body(&connection)
        }
    }

    /// Connects from `host` to `endpoint`, completes the Noise XX handshake as initiator with `params`'
    /// prologue, and runs `body` with the encrypted session (no wire message has been exchanged yet).
    static func connect<Result: Sendable>(from host: String, to endpoint: PeerEndpoint, params: ChainParams = .test,
                                          key: NoiseKeyPair = NoiseKeyPair(), receiveBufferSize: Int? = nil,
                                          _ body: (inout ScriptedSession) async throws -> Result) async throws -> Result {
        try await raw(from: host, to: endpoint, receiveBufferSize: receiveBufferSize) { connection in
            var session = try await ScriptedSession.handshake(over: connection, params: params, key: key)
            return try await body(&session)
        }
    }
}

/// A plain TCP connection: bytes in, bytes out.
struct RawConnection {
    private var inbound: NIOAsyncChannelInboundStream<ByteBuffer>.AsyncIterator
    private let outbound: NIOAsyncChannelOutboundWriter<ByteBuffer>
    private let channel: any Channel

    init(inbound: NIOAsyncChannelInboundStream<ByteBuffer>.AsyncIterator,
         outbound: NIOAsyncChannelOutboundWriter<ByteBuffer>, channel: any Channel) {
        self.inbound = inbound
        self.outbound = outbound
        self.channel = channel
    }

    /// Writes `bytes` and flushes.
    func write(_ bytes: [UInt8]) async throws {
        guard !bytes.isEmpty else { return }
        try await outbound.write(ByteBuffer(bytes: bytes))
    }

    /// The next bytes received; nil once the other side has closed.
    mutating func read() async throws -> [UInt8]? {
        guard let buffer = try await inbound.next() else { return nil }
        return Array(buffer.readableBytesView)
    }

    /// Reads and drops everything until the other side closes (or resets) the connection.
    mutating func untilClosed() async {
        do {
            while try await read() != nil {}
        } catch {}  // a reset is a close too
    }

    /// Stops reading from the socket: what the other side sends piles up in its send buffer and ours.
    func stopReading() async throws {
        try await channel.setOption(ChannelOptions.autoRead, value: false).get()
    }
}

/// A Noise-encrypted session over a `RawConnection`, with wire frames written and read by hand.
struct ScriptedSession {
    var connection: RawConnection
    /// The node's static key, as its handshake message 2 carried it.
    let remoteStaticKey: [UInt8]
    let params: ChainParams
    /// Two copies of one transport: `sender` only encrypts, `receiver` only decrypts (each advances only its
    /// own direction's cipher state).
    private var sender: NoiseTransport
    private var receiver: NoiseTransport
    private var noiseFrames: NoiseFrameBuffer
    private var plaintext: [UInt8] = []
    private var decoder: FrameDecoder

    private init(connection: RawConnection, transport: NoiseTransport, noiseFrames: NoiseFrameBuffer,
                 params: ChainParams) {
        self.connection = connection
        remoteStaticKey = transport.remoteStaticKey
        self.params = params
        sender = transport
        receiver = transport
        self.noiseFrames = noiseFrames
        decoder = FrameDecoder(limits: FrameLimits(params: params))
    }

    /// Runs the XX handshake as initiator: writes message 1, reads message 2, writes message 3.
    static func handshake(over connection: RawConnection, params: ChainParams,
                          key: NoiseKeyPair) async throws -> ScriptedSession {
        var connection = connection
        var handshake = ObolNoise.handshake(role: .initiator, params: params, staticKeyPair: key)
        try await connection.write(try NoiseFrameBuffer.frame(try handshake.writeMessage().message))
        var frames = NoiseFrameBuffer()
        var message2: [UInt8]?
        while message2 == nil {
            guard let bytes = try await connection.read() else {
                throw ScriptedPeer.ScriptError(description: "closed before handshake message 2")
            }
            frames.append(bytes)
            message2 = try frames.nextMessage()
        }
        _ = try handshake.readMessage(message2!)
        let (message3, result) = try handshake.writeMessage()
        try await connection.write(try NoiseFrameBuffer.frame(message3))
        guard let result else { throw ScriptedPeer.ScriptError(description: "the handshake did not complete") }
        return ScriptedSession(connection: connection, transport: NoiseTransport(result), noiseFrames: frames,
                               params: params)
    }

    // MARK: Sending

    /// Sends `message`, framed as ObolWire frames it.
    mutating func send(_ message: Message) async throws {
        try await sendPlaintext(message.frame)
    }

    /// Encrypts `bytes` (any bytes: a frame, part of one, or none) into transport messages and sends them.
    mutating func sendPlaintext(_ bytes: [UInt8]) async throws {
        try await connection.write(try sender.encrypt(bytes))
    }

    /// The header of a frame: `command` and the payload length it declares (PROTOCOL.md §10.1).
    static func frameHeader(_ command: UInt8, length: UInt32) -> [UInt8] {
        [command] + withUnsafeBytes(of: length.littleEndian, Array.init)
    }

    // MARK: Receiving

    /// The node's next message; nil once it has closed the connection.
    mutating func receive() async throws -> Message? {
        while true {
            let output = try decoder.decode(plaintext, maxMessages: 1)
            if let message = output.messages.first {
                plaintext.removeFirst(output.consumed)
                return message
            }
            guard let bytes = try await connection.read() else { return nil }
            noiseFrames.append(bytes)
            while let message = try noiseFrames.nextMessage() { plaintext += try receiver.decryptMessage(message) }
        }
    }

    /// The first of the node's messages that `match` maps to a value, skipping the others.
    mutating func receive<T>(_ what: String, _ match: (Message) -> T?) async throws -> T {
        while let message = try await receive() {
            if let found = match(message) { return found }
        }
        throw ScriptedPeer.ScriptError(description: "the node closed the connection before \(what)")
    }

    // MARK: Scripts

    /// The version handshake by hand (PROTOCOL.md §10.5): our `version`, the node's `version` and `verack`,
    /// our `verack`. Our chain work is zero, so the node asks us for no headers. Returns the node's `version`.
    @discardableResult
    mutating func exchangeVersions(bestHeight: UInt64 = 0, chainWork: UInt256 = .zero) async throws -> VersionMessage {
        try await send(.version(VersionMessage(networkID: params.networkID, services: [.fullNode, .relay],
                                               bestHeight: bestHeight, chainWork: chainWork, listenAddress: nil,
                                               userAgent: "scripted")))
        guard case let .version(theirs)? = try await receive() else {
            throw ScriptedPeer.ScriptError(description: "the node did not send its version")
        }
        guard case .verack? = try await receive() else {
            throw ScriptedPeer.ScriptError(description: "the node did not acknowledge our version")
        }
        try await send(.verack)
        return theirs
    }

    /// Sends a `ping` and reads up to its `pong`. A node reads a peer's next message only once it has handled
    /// the last one, so when this returns, everything sent before has been handled.
    mutating func roundTrip() async throws {
        let nonce = UInt64.random(in: .min ... .max)
        try await send(.ping(nonce: nonce))
        try await receive("pong") { message -> Void? in
            if case .pong(nonce) = message { () } else { nil }
        }
    }

    /// Reads and drops everything until the node closes the connection.
    mutating func untilClosed() async {
        do {
            while try await receive() != nil {}
        } catch {}  // a reset, or bytes after the node gave up, end it too
    }
}
