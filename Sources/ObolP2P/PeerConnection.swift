/// ObolP2P: ObolWire's messages over TCP, encrypted with Noise XX (PROTOCOL.md §10, §11). SwiftNIO appears
/// in this target only.
///
/// Each connection's pipeline, from the socket up:
///
/// ```
/// TCP ──▶ NoiseHandler ──▶ WireFrameHandler ──▶ NIOAsyncChannel<Message, Message>
///         (ByteBuffer ⇄     (plaintext ByteBuffer ⇄    (inbound: AsyncSequence of Message,
///          Noise messages)    Message frames)            outbound: a writer of Message)
/// ```
///
/// - `NoiseHandler` runs the XX handshake with the node's static key (the prologue names the network's magic
///   and the wire protocol version), then decrypts and encrypts the byte stream. Noise errors and handshake
///   timeouts close the channel with a `P2PError` that is not the peer's fault.
/// - `WireFrameHandler` turns the plaintext stream into `Message`s with `FrameDecoder` and back into frames.
///   A frame error closes the channel with a `P2PError` that is the peer's fault.
/// - The async side: `P2PDialer.connect` and `P2PListener` hand out `PeerConnection`s once the handshake has
///   completed (`IncomingPeer.handshake()` on the listening side). `PeerConnection.run` opens the channel in
///   an `executeThenClose` scope and gives the body a `PeerSession` (`inbound`, `send`, `close`); the channel
///   is closed when the body returns. A pipeline error ends `inbound` by throwing the `P2PError`.
///
/// No task is started here: the listener's `run` adds a child task per connection to its own task group.
import NIOCore
import NIOPosix
import ObolCore
import ObolWire

/// What a node's transport needs: its network, its identity and its limits.
public struct P2PConfiguration: Sendable {
    /// The network: its magic goes into the Noise prologue, its `maxBlockSize` into the frame caps.
    public var params: ChainParams
    /// The node's static Noise key; its public key is the node id.
    public var staticKey: NoiseKeyPair
    /// The wire protocol version named in the Noise prologue.
    public var protocolVersion: UInt32
    /// A connection whose Noise handshake has not completed by then is closed.
    public var handshakeTimeout: TimeAmount
    /// The event loops the connections run on.
    public var group: any EventLoopGroup

    public init(params: ChainParams, staticKey: NoiseKeyPair, protocolVersion: UInt32 = WireProtocol.version,
                handshakeTimeout: TimeAmount = .seconds(10),
                group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton) {
        self.params = params
        self.staticKey = staticKey
        self.protocolVersion = protocolVersion
        self.handshakeTimeout = handshakeTimeout
        self.group = group
    }

    var frameLimits: FrameLimits { FrameLimits(params: params) }

    /// Adds the Noise and frame handlers to `channel` and wraps it; the future is the handshake's outcome.
    func setUp(_ channel: any Channel, role: HandshakeState.Role) throws
        -> (NIOAsyncChannel<Message, Message>, EventLoopFuture<NoiseHandshakeInfo>, FrameFailure) {
        let completed = channel.eventLoop.makePromise(of: NoiseHandshakeInfo.self)
        let handshake = HandshakeState(role: role, prologue: ObolNoise.prologue(magic: params.magic,
                                                                                version: protocolVersion),
                                       staticKeyPair: staticKey)
        let noise = NoiseHandler(handshake: handshake, timeout: handshakeTimeout, handshakeCompleted: completed)
        do {
            let failure = FrameFailure()
            try channel.pipeline.syncOperations.addHandlers(noise, WireFrameHandler(limits: frameLimits, failure: failure))
            // Few messages read ahead: with 1 MB blocks, a handful is already megabytes unprocessed.
            let options = NIOAsyncChannel<Message, Message>.Configuration(
                backPressureStrategy: .init(lowWatermark: 2, highWatermark: 4))
            return (try NIOAsyncChannel<Message, Message>(wrappingChannelSynchronously: channel, configuration: options),
                    completed.futureResult, failure)
        } catch {
            completed.fail(error)
            throw error
        }
    }
}

/// A connection whose Noise handshake has completed. Open it with `run`; until then nothing is read.
/// Its owner should `run` it or `close()` it; one dropped unopened is closed when the last copy goes (`OwnedChannel`).
public struct PeerConnection: Sendable {
    /// The peer's static public key (32 bytes): its node id.
    public var remoteStaticKey: [UInt8] { handshake.remoteStaticKey }
    /// The handshake hash, equal on both sides.
    public var handshakeHash: [UInt8] { handshake.handshakeHash }
    /// The peer's socket address.
    public let remoteAddress: SocketAddress?

    let handshake: NoiseHandshakeInfo
    let channel: OwnedChannel
    /// The frame error that closed the connection, if one did.
    let frameFailure: FrameFailure

    init(channel: OwnedChannel, handshake: NoiseHandshakeInfo, frameFailure: FrameFailure) {
        self.channel = channel
        self.handshake = handshake
        self.frameFailure = frameFailure
        remoteAddress = channel.channel.channel.remoteAddress
    }

    /// Runs `body` with the open session and closes the connection when it returns or throws.
    public func run<Result: Sendable>(isolation actor: isolated (any Actor)? = #isolation,
                                      _ body: (PeerSession) async throws -> Result) async throws -> Result {
        let handshake = handshake
        let channel = channel.channel.channel
        return try await self.channel.executeThenClose { inbound, outbound in
            try await body(PeerSession(remoteStaticKey: handshake.remoteStaticKey, inbound: inbound,
                                       outbound: outbound, channel: channel))
        }
    }

    /// Closes the connection without opening it.
    public func close() async {
        await channel.close()
    }
}

/// An open connection, inside `PeerConnection.run`.
public struct PeerSession: Sendable {
    /// The peer's static public key: its node id.
    public let remoteStaticKey: [UInt8]
    /// The peer's messages, in order. Ends when the connection closes; throws the `P2PError` that closed it.
    public let inbound: NIOAsyncChannelInboundStream<Message>
    let outbound: NIOAsyncChannelOutboundWriter<Message>
    let channel: any Channel

    /// Sends `message` (encrypted, split into Noise messages as needed); returns once it is written.
    public func send(_ message: Message) async throws {
        try await outbound.write(message)
    }

    /// Sends `messages` with one flush.
    public func send(contentsOf messages: [Message]) async throws {
        try await outbound.write(contentsOf: messages)
    }

    /// Closes the connection; `inbound` then ends.
    public func close() async {
        try? await channel.close()
    }
}
