import NIOCore
import NIOPosix
import ObolWire

/// An accepted TCP connection whose Noise handshake (as responder) is under way.
///
/// Its owner must end it one way or another: `handshake()` (then run or close the `PeerConnection`) or
/// `close()`. (NIO traps when an async channel's writer is dropped unfinished.)
public struct IncomingPeer: Sendable {
    let channel: OwnedChannel
    let handshakeResult: EventLoopFuture<NoiseHandshakeInfo>
    let frameFailure: FrameFailure

    /// The peer's socket address.
    public var remoteAddress: SocketAddress? { channel.channel.channel.remoteAddress }

    /// Waits for the handshake. Throws the `P2PError` that ended it (the channel is then closed).
    public func handshake() async throws -> PeerConnection {
        let info: NoiseHandshakeInfo
        do {
            info = try await handshakeResult.get()
        } catch {
            await close()
            throw error
        }
        return PeerConnection(channel: channel, handshake: info, frameFailure: frameFailure)
    }

    /// Closes the connection without waiting for the handshake.
    public func close() async {
        await channel.close()
    }

    /// Returns once the connection is closed (by either side).
    public func closed() async {
        try? await channel.channel.channel.closeFuture.get()
    }
}

/// A TCP listener whose connections run the Noise handshake as responder.
public struct P2PListener: Sendable {
    /// The port it is bound to (the one the system chose when asked for port 0).
    public let port: Int
    public let localAddress: SocketAddress?
    let serverChannel: NIOAsyncChannel<IncomingPeer, Never>

    /// Binds `host:port` (port 0: any free port).
    /// - Throws: `P2PBindError` (a one-line reason, such as the port being in use) when the address cannot be bound.
    public static func bind(host: String, port: Int, configuration: P2PConfiguration) async throws -> P2PListener {
        do {
            return try await bindOrThrowNIOError(host: host, port: port, configuration: configuration)
        } catch let error as IOError {
            throw P2PBindError(description: String(cString: strerror(error.errnoCode)).lowercased())
        } catch let error as SocketAddressError {
            throw P2PBindError(description: "not an address of this machine (\(error))")
        }
    }

    private static func bindOrThrowNIOError(host: String, port: Int, configuration: P2PConfiguration) async throws -> P2PListener {
        let server = try await ServerBootstrap(group: configuration.group)
            .serverChannelOption(.backlog, value: 256)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
            .bind(host: host, port: port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    let (asyncChannel, handshake, failure) = try configuration.setUp(channel, role: .responder)
                    return IncomingPeer(channel: OwnedChannel(asyncChannel), handshakeResult: handshake,
                                        frameFailure: failure)
                }
            }
        return P2PListener(serverChannel: server)
    }

    init(serverChannel: NIOAsyncChannel<IncomingPeer, Never>) {
        self.serverChannel = serverChannel
        localAddress = serverChannel.channel.localAddress
        port = localAddress?.port ?? 0
    }

    /// Runs `body` with the accepted connections, in order; the listener is closed when `body` returns
    /// (connections already handed out stay open until their owners close them).
    public func withIncoming<Result: Sendable>(
        isolation actor: isolated (any Actor)? = #isolation,
        _ body: (NIOAsyncChannelInboundStream<IncomingPeer>) async throws -> Result
    ) async throws -> Result {
        try await serverChannel.executeThenClose { inbound in try await body(inbound) }
    }

    /// Accepts connections until the listener closes or the task is cancelled, each handled by `handler` in a
    /// child task of this call's task group.
    public func run(_ handler: @escaping @Sendable (IncomingPeer) async -> Void) async throws {
        try await withThrowingDiscardingTaskGroup { group in
            try await withIncoming { inbound in
                for try await peer in inbound {
                    group.addTask { await handler(peer) }
                }
            }
        }
    }

    /// Closes the listener.
    public func close() async {
        try? await serverChannel.channel.close()
    }
}

/// Why a listener could not be bound, in words (`address already in use`), without NIO's call details.
public struct P2PBindError: Error, Sendable, CustomStringConvertible {
    public var description: String
}
