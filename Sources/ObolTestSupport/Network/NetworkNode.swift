import Foundation
import Logging
import ObolCore
import ObolNode
import ObolWire

/// A node on a `MemoryNetwork` for tests: an in-memory store (unless given one), the test network's
/// parameters, and a node id derived from its host, so every run is the same.
public struct NetworkNode: Sendable {
    public let host: String
    public let endpoint: PeerEndpoint
    public let node: Node
    public let transport: MemoryTransport

    public init(network: MemoryNetwork, host: String, port: Int = 9333, params: ChainParams = .test,
                store: any ChainStore = MemoryChainStore(), staticPeers: [PeerEndpoint] = [],
                clock: any NodeClock = SystemClock(), listening: Bool = true,
                configure: (inout NodeConfiguration) -> Void = { _ in }) throws {
        self.host = host
        endpoint = PeerEndpoint(host: host, port: port)
        transport = network.transport(host: host, port: port, nodeID: Self.nodeID(for: host), listening: listening)
        var configuration = NodeConfiguration(params: params, verificationThreads: 1)
        configuration.peers.staticPeers = staticPeers
        // OBOL_TEST_LOG=debug (or info, …) shows the nodes' logs.
        configuration.logger = Logger(label: "obol.\(host)")
        configuration.logger.logLevel = ProcessInfo.processInfo.environment["OBOL_TEST_LOG"]
            .flatMap(Logger.Level.init(rawValue:)) ?? .critical
        configure(&configuration)
        node = try Node(configuration: configuration, store: store, transport: transport, clock: clock)
    }

    public var peers: PeerManager { node.peers! }

    /// 32 bytes that name the host.
    public static func nodeID(for host: String) -> [UInt8] { SHA256.hash(Array(host.utf8)).bytes }

    /// Returns once the best tip is `hash` (true), or when the node stops first (false).
    @discardableResult
    /// Waits until none of `ids` waits in the node's mempool: the mempool drops what a block confirmed or
    /// conflicts with a moment after the chain's tip moves, as it reads the chain's events.
    public func waitForMempoolToDrop(_ ids: [Hash256]) async {
        let changes = node.mempoolEvents(bufferingPolicy: .bufferingNewest(1))
        let mempool = node.mempool
        func holdsAny() async -> Bool {
            for id in ids where await mempool.transfer(id) != nil { return true }
            return false
        }
        guard await holdsAny() else { return }
        for await _ in changes where await !holdsAny() { return }
    }

    public func waitForTip(_ hash: Hash256) async -> Bool {
        let tips = node.chain.events.subscribe(bufferingPolicy: .bufferingNewest(1)) { event -> Hash256? in
            if case let .tipChanged(tip) = event { tip.hash } else { nil }
        }
        if await node.chain.tip.hash == hash { return true }
        for await _ in tips where await node.chain.tip.hash == hash { return true }
        return false
    }

    /// Returns once `condition` holds of the peer table, checked at every connection and disconnection.
    public func waitForPeers(_ condition: @Sendable ([PeerSummary]) -> Bool) async {
        let changes = peers.changes.subscribe(bufferingPolicy: .bufferingNewest(1))
        if condition(await peers.peers().filter(\.established)) { return }
        for await _ in changes where condition(await peers.peers().filter(\.established)) { return }
    }

    /// Returns once the address book holds `endpoint`, checked at every change of the peer table or the book.
    public func waitToKnow(_ endpoint: PeerEndpoint) async {
        let changes = peers.changes.subscribe(bufferingPolicy: .bufferingNewest(1))
        if await peers.knows(endpoint) { return }
        for await _ in changes where await peers.knows(endpoint) { return }
    }

    /// Returns once at least `count` peers have completed their handshake.
    public func waitForPeerCount(_ count: Int) async {
        await waitForPeers { $0.count >= count }
    }

    /// Returns once the mempool holds a transfer with id `id` (true), or when the node stops first (false).
    @discardableResult
    public func waitForTransfer(_ id: Hash256) async -> Bool {
        let events = node.mempool.subscribe(bufferingPolicy: .bufferingNewest(1))
        if await node.mempool.transfer(id) != nil { return true }
        for await _ in events where await node.mempool.transfer(id) != nil { return true }
        return false
    }
}

/// Runs `nodes` in a task group while `body` runs, then stops them.
@discardableResult
public func withRunningNodes<Result: Sendable>(_ nodes: [NetworkNode],
                                               _ body: () async throws -> Result) async throws -> Result {
    try await withThrowingTaskGroup(of: Void.self) { group in
        for node in nodes { group.addTask { try await node.node.run() } }
        defer { group.cancelAll() }
        return try await body()
    }
}
