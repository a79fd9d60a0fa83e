import NIOCore
import NIOPosix
import ObolWire

/// Opens outbound connections: TCP, then the Noise handshake as initiator.
public struct P2PDialer: Sendable {
    public let configuration: P2PConfiguration

    public init(configuration: P2PConfiguration) {
        self.configuration = configuration
    }

    /// Connects to `host:port` and completes the handshake. With `expectedNodeID`, a responder whose static
    /// key differs is refused (`P2PError.Kind.unexpectedNodeID`) and the connection closed. With `localHost`,
    /// the connection leaves from that address (any port).
    public func connect(host: String, port: Int, expectedNodeID: [UInt8]? = nil,
                        localHost: String? = nil) async throws -> PeerConnection {
        let configuration = configuration
        var bootstrap = ClientBootstrap(group: configuration.group).channelOption(.socketOption(.tcp_nodelay), value: 1)
        if let localHost { bootstrap = bootstrap.bind(to: try SocketAddress(ipAddress: localHost, port: 0)) }
        let (asyncChannel, handshake, failure) = try await bootstrap
            .connect(host: host, port: port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try configuration.setUp(channel, role: .initiator)
                }
            }
        let channel = OwnedChannel(asyncChannel)
        let info: NoiseHandshakeInfo
        do {
            info = try await handshake.get()
        } catch {
            await channel.close()
            throw error
        }
        if let expectedNodeID, info.remoteStaticKey != expectedNodeID {
            await channel.close()
            throw P2PError(.unexpectedNodeID)
        }
        return PeerConnection(channel: channel, handshake: info, frameFailure: failure)
    }
}
