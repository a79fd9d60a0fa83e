import NIOCore
import NIOPosix
import ObolWire

/// The node's `PeerTransport` over TCP: Noise XX and wire frames (this target's pipeline), so the node's
/// actors reach real peers without importing NIO.
public struct TCPPeerTransport: PeerTransport {
    public let configuration: P2PConfiguration
    let listener: P2PListener?
    let boundHost: String?

    /// A transport that listens on `host:port` (port 0: any free port; `listenEndpoint` has the real one).
    /// Throws when the address cannot be bound (in use, not local).
    public static func bind(host: String, port: Int, configuration: P2PConfiguration) async throws -> TCPPeerTransport {
        let listener = try await P2PListener.bind(host: host, port: port, configuration: configuration)
        return TCPPeerTransport(configuration: configuration, listener: listener, host: host)
    }

    /// A transport that only dials out.
    public init(configuration: P2PConfiguration) {
        self.init(configuration: configuration, listener: nil, host: nil)
    }

    /// A transport that only dials out, from `host` (where the destination can be reached from it): a
    /// client on a loopback address of its own, as the attackers of `obol demo` are.
    public init(configuration: P2PConfiguration, dialingFrom host: String) {
        self.init(configuration: configuration, listener: nil, host: host)
    }

    init(configuration: P2PConfiguration, listener: P2PListener?, host: String?) {
        self.configuration = configuration
        self.listener = listener
        boundHost = host
    }

    public var nodeID: [UInt8] { configuration.staticKey.publicKey }

    public var listenEndpoint: PeerEndpoint? {
        guard let listener, let boundHost else { return nil }
        return PeerEndpoint(host: boundHost, port: listener.port)
    }

    /// Dials `endpoint`. A transport listening on a specific address dials from it too, so that peers see the
    /// address it listens on (several nodes on 127.0.0.2, 127.0.0.3… each appear as themselves), unless the
    /// destination cannot be reached from it (another family, or off this machine from a loopback address).
    public func connect(to endpoint: PeerEndpoint) async throws -> any PeerLink {
        let connection = try await P2PDialer(configuration: configuration)
            .connect(host: endpoint.host, port: endpoint.port, localHost: Self.source(boundHost, toward: endpoint.host))
        return TCPPeerLink(connection: connection, remoteEndpoint: endpoint)
    }

    /// The address to dial `destination` from: `bound` when it is a specific IP address of the destination's
    /// family that can reach it, else nil (the system picks).
    static func source(_ bound: String?, toward destination: String) -> String? {
        guard let bound, let local = try? SocketAddress(ipAddress: bound, port: 0),
              let remote = try? SocketAddress(ipAddress: destination, port: 0) else { return nil }
        func kind(_ address: SocketAddress) -> (family: Int, unspecified: Bool, loopback: Bool)? {
            switch address {
            case let .v4(ip):
                let bytes = withUnsafeBytes(of: ip.address.sin_addr.s_addr) { Array($0) }
                return (4, bytes == [0, 0, 0, 0], bytes[0] == 127)
            case let .v6(ip):
                let bytes = withUnsafeBytes(of: ip.address.sin6_addr) { Array($0) }
                return (6, bytes.allSatisfy { $0 == 0 }, bytes == Array(repeating: 0, count: 15) + [1])
            default:
                return nil
            }
        }
        guard let from = kind(local), let to = kind(remote), from.family == to.family, !from.unspecified,
              !from.loopback || to.loopback else { return nil }
        return bound
    }

    public func listen(_ accept: @escaping @Sendable (any PeerLink) async -> Void) async throws {
        guard let listener else { return }
        try await listener.run { incoming in
            // A handshake that fails (another network, garbage, a timeout) just closes the connection.
            guard let connection = try? await incoming.handshake() else { return }
            let remote = connection.remoteAddress.flatMap { address in
                address.ipAddress.map { PeerEndpoint(host: $0, port: address.port ?? 0) }
            } ?? PeerEndpoint(host: "unknown", port: 0)
            await accept(TCPPeerLink(connection: connection, remoteEndpoint: remote))
        }
    }
}

/// A Noise-encrypted TCP connection as a `PeerLink`.
struct TCPPeerLink: PeerLink {
    let connection: PeerConnection
    let remoteEndpoint: PeerEndpoint

    var nodeID: [UInt8] { connection.remoteStaticKey }

    func run(receive: @escaping @Sendable (Message) async throws -> Void,
             write: @escaping @Sendable (any PeerWriter) async throws -> Void) async throws {
        try await connection.run { session in
            let writer = SessionWriter(session: session)
            let inbound = session.inbound
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask {
                    for try await message in inbound { try await receive(message) }
                }
                group.addTask { try await write(writer) }
                // The first to end ends the other (whose cancellation is no failure). A frame error (the
                // peer's fault) wins over the writer's "closed channel" that the same close causes.
                var failure: (any Error)?
                while let result = await group.nextResult() {
                    group.cancelAll()
                    guard case let .failure(error) = result, !(error is CancellationError) else { continue }
                    if (error as? P2PError)?.isPeerFault == true || failure == nil { failure = error }
                }
                // A frame error recorded by the pipeline is the cause, whatever ended the loops.
                if let frame = connection.frameFailure.value { throw frame }
                if let failure { throw failure }
            }
        }
    }

    func close() async {
        await connection.close()
    }
}

/// The sending half of a running connection.
struct SessionWriter: PeerWriter {
    let session: PeerSession

    func send(_ messages: [Message]) async throws {
        try await session.send(contentsOf: messages)
    }
}

extension P2PError: PeerTransportError {}
