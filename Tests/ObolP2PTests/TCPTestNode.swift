import Foundation
import Logging
import ObolCore
import ObolNode
import ObolP2P
import ObolTestSupport
import ObolWire

/// An honest node on the real TCP network for tests: the test network's parameters (unless given others), an
/// in-memory store, a new Noise key, listening on `host` at a port the system picks.
///
/// Outbound connections leave from the system's choice of source address (127.0.0.1 on loopback), not from
/// `host`: `P2PDialer` binds no local address. A node that this one dials sees it as 127.0.0.1.
struct TCPTestNode: Sendable {
    let host: String
    let node: Node
    let transport: TCPPeerTransport

    init(host: String, params: ChainParams = .test, staticPeers: [PeerEndpoint] = [],
         configure: (inout NodeConfiguration) -> Void = { _ in }) async throws {
        self.host = host
        transport = try await TCPPeerTransport.bind(
            host: host, port: 0, configuration: P2PConfiguration(params: params, staticKey: NoiseKeyPair()))
        var configuration = NodeConfiguration(params: params, verificationThreads: 1)
        configuration.peers.staticPeers = staticPeers
        // OBOL_TEST_LOG=debug (or info, …) shows the nodes' logs.
        configuration.logger = Logger(label: "obol.\(host)")
        configuration.logger.logLevel = ProcessInfo.processInfo.environment["OBOL_TEST_LOG"]
            .flatMap(Logger.Level.init(rawValue:)) ?? .critical
        configure(&configuration)
        node = try Node(configuration: configuration, store: MemoryChainStore(), transport: transport)
    }

    /// Where it listens.
    var endpoint: PeerEndpoint { transport.listenEndpoint! }
    var peers: PeerManager { node.peers! }
    /// Its node id, as `PeerSummary.nodeID` shows it.
    var nodeID: String { Hex.encode(transport.nodeID) }

    /// Submits `chain`'s blocks after genesis.
    func seed(_ chain: ChainBuilder) async {
        for block in chain.blocks.dropFirst() { _ = await node.submit(block) }
    }

    /// Returns once the best tip is `hash` (true), or when the node stops first (false).
    @discardableResult
    func waitForTip(_ hash: Hash256) async -> Bool {
        let tips = node.chain.events.subscribe(bufferingPolicy: .bufferingNewest(1)) { event -> Hash256? in
            if case let .tipChanged(tip) = event { tip.hash } else { nil }
        }
        if await node.chain.tip.hash == hash { return true }
        for await _ in tips where await node.chain.tip.hash == hash { return true }
        return false
    }

    /// The established peer whose node id is `other`'s, once there is one (nil when the node stops first).
    @discardableResult
    func waitForPeer(_ other: TCPTestNode) async -> PeerSummary? {
        let changes = peers.changes.subscribe(bufferingPolicy: .bufferingNewest(1))
        let id = other.nodeID
        if let peer = await peers.peers().first(where: { $0.nodeID == id && $0.established }) { return peer }
        for await _ in changes {
            if let peer = await peers.peers().first(where: { $0.nodeID == id && $0.established }) { return peer }
        }
        return nil
    }
}

/// Runs `nodes` in a task group while `body` runs, then stops them.
@discardableResult
func withRunning<Result: Sendable>(_ nodes: [TCPTestNode], _ body: () async throws -> Result) async throws -> Result {
    try await withThrowingTaskGroup(of: Void.self) { group in
        for node in nodes { group.addTask { try await node.node.run() } }
        defer { group.cancelAll() }
        return try await body()
    }
}
