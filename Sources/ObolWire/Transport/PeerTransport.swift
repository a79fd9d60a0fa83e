/// What the node's peer layer needs from a transport, and nothing more: the node's actors never see
/// the sockets. `ObolP2P` fulfils it over TCP with Noise XX; the test support's in-memory transport
/// fulfils it for tests (with injected latency, loss and partitions).
public protocol PeerTransport: Sendable {
    /// Opens a connection to `endpoint` and completes its handshake (on TCP: the Noise XX handshake,
    /// whose static key is the returned link's `nodeID`).
    func connect(to endpoint: PeerEndpoint) async throws -> any PeerLink

    /// Accepts connections until the task is cancelled; each one whose handshake completes is handed to
    /// `accept` in a child task of this call. Returns at once when the transport does not listen.
    func listen(_ accept: @escaping @Sendable (any PeerLink) async -> Void) async throws

    /// Where this node accepts connections (nil: it does not listen).
    var listenEndpoint: PeerEndpoint? { get }

    /// This node's id (its static public key): a link to it is a self-connection.
    var nodeID: [UInt8] { get }
}

/// A connection whose handshake has completed. Its owner must `run` it or `close` it.
public protocol PeerLink: Sendable {
    /// The peer's static public key (32 bytes): its node id.
    var nodeID: [UInt8] { get }
    /// The peer's address as this side sees it.
    var remoteEndpoint: PeerEndpoint { get }

    /// Runs the connection. Each of the peer's messages goes to `receive`, in order; the next one is read
    /// only once `receive` returns, so a slow receiver holds the peer back (TCP backpressure) instead of
    /// buffering. `write` runs beside it with the sending half. When either returns or throws, the other
    /// is cancelled and the connection closed; `run` then returns, or throws the error that ended it
    /// (a frame error is `isPeerFault`, see `PeerTransportError`).
    func run(receive: @escaping @Sendable (Message) async throws -> Void,
             write: @escaping @Sendable (any PeerWriter) async throws -> Void) async throws

    /// Closes the connection without running it.
    func close() async
}

/// The sending half of a running link.
public protocol PeerWriter: Sendable {
    /// Sends `messages` in order, with one flush; returns once they are written.
    func send(_ messages: [Message]) async throws
}

/// An error of a transport that says whether the peer caused it (bytes that do not decode), so the
/// node can discourage the peer without knowing the transport.
public protocol PeerTransportError: Error {
    var isPeerFault: Bool { get }
}
