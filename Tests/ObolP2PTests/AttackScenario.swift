import ObolCore
import ObolNode
import ObolTestSupport
import ObolWire
import Testing

/// Two honest nodes on TCP, and scripted peers that connect to the first one from addresses of their own.
///
/// `a` listens on 127.0.0.2 and holds `builder`'s chain; `b` listens on 127.0.0.3, dials `a` (a static peer) and
/// syncs from it before the body runs. After the body, a new block enters at `b` and must reach `a` over the
/// same connection: the honest pair stayed connected (the same peer ids on both sides) and converged.
final class AttackScenario {
    static let attackerHost = "127.0.0.66"

    let a: TCPTestNode
    let b: TCPTestNode
    /// The honest chain; a body that extends it (and gets the nodes there) keeps it current.
    var builder: ChainBuilder
    /// `a`'s peer changes, from before the nodes started.
    var changes: EventRecorder<PeerChange>
    /// `b` as `a` sees it, and `a` as `b` sees it, once connected.
    private(set) var bAtA: PeerSummary?
    private(set) var aAtB: PeerSummary?

    /// How a node let a scripted peer go.
    struct Drop: Sendable, Equatable {
        var reason: String
        var discouraged: Bool
    }

    private init(a: TCPTestNode, b: TCPTestNode, builder: ChainBuilder) {
        self.a = a
        self.b = b
        self.builder = builder
        changes = EventRecorder(a.peers.changes.subscribe(bufferingPolicy: .unbounded))
    }

    /// Sets up the pair (`configureA` tunes `a` only), runs `body` once `b` has synced `chain`, then checks that
    /// the pair is still connected and converges on one more block.
    static func run(chain: ChainBuilder, configureA: (inout NodeConfiguration) -> Void = { _ in },
                    _ body: (AttackScenario) async throws -> Void) async throws {
        let a = try await TCPTestNode(host: "127.0.0.2", configure: configureA)
        await a.seed(chain)
        let b = try await TCPTestNode(host: "127.0.0.3", staticPeers: [a.endpoint])
        let scenario = AttackScenario(a: a, b: b, builder: chain)
        try await withRunning([a, b]) {
            #expect(await b.waitForTip(chain.tip.hash))
            let bAtA = try #require(await a.waitForPeer(b))
            let aAtB = try #require(await b.waitForPeer(a))
            (scenario.bAtA, scenario.aAtB) = (bAtA, aAtB)
            try await body(scenario)
            try await scenario.honestPairConverges()
        }
    }

    /// A block mined on the honest chain enters at `b` and reaches `a`; neither dropped the other meanwhile.
    private func honestPairConverges() async throws {
        let block = try builder.mine()
        #expect(await b.node.submit(block) == .connected(height: block.height, disconnected: 0))
        #expect(await a.waitForTip(block.hash))
        let bAtA = try #require(bAtA), aAtB = try #require(aAtB)
        #expect(await a.peers.peers().contains { $0.id == bAtA.id && $0.established }, "a kept b's connection")
        #expect(await b.peers.peers().contains { $0.id == aAtB.id && $0.established }, "b kept a's connection")
        #expect(await !a.peers.isDiscouraged(bAtA.address.host))
        #expect(await !b.peers.isDiscouraged(aAtB.address.host))
        #expect(!changes.events.contains { change in
            if case let .disconnected(id, _, _, _) = change { id == bAtA.id } else { false }
        })
    }

    /// Whether `a`'s downloader would ask `b` for the body of `hash`, once `b` has shown that its chain ends
    /// there: what `ChainActor.downloadCandidates` gives for that peer tip.
    func downloadsFromB(_ hash: Hash256) async throws -> Bool {
        let bAtA = try #require(bAtA)
        let candidates = await a.node.chain.downloadCandidates(window: 16, peerTips: [bAtA.id: hash])
        return candidates.contains { $0.hash == hash && $0.holders.contains(bAtA.id) }
    }

    // MARK: Scripted peers

    /// Connects a scripted peer from `host` to `a`, exchanges versions, runs `script`, then keeps the connection
    /// open until `a` drops the peer, and returns how it did.
    func attack(from host: String = attackerHost, receiveBufferSize: Int? = nil,
                _ script: (inout ScriptedSession) async throws -> Void) async throws -> Drop {
        try await ScriptedPeer.connect(from: host, to: a.endpoint, receiveBufferSize: receiveBufferSize) { peer in
            try await peer.exchangeVersions()
            try await script(&peer)
            return try await dropped(host)
        }
    }

    /// Connects a scripted peer from `host` to `a`, exchanges versions, runs `script`, then hangs up itself and
    /// returns how `a` recorded the end of the connection.
    func visit(from host: String, _ script: (inout ScriptedSession) async throws -> Void) async throws -> Drop {
        try await ScriptedPeer.connect(from: host, to: a.endpoint) { peer in
            try await peer.exchangeVersions()
            try await script(&peer)
        }
        return try await dropped(host)
    }

    /// Whether `a` refuses a new connection from `host`: the Noise handshake completes (the transport knows
    /// nothing of discouragement), then the node closes it without sending its `version`.
    func refusesReconnection(from host: String = attackerHost) async throws -> Bool {
        try await ScriptedPeer.connect(from: host, to: a.endpoint) { peer in
            (try? await peer.receive()) == nil  // closed (or reset) before any message
        }
    }

    /// The next disconnection of a peer at `host` among `a`'s changes.
    private func dropped(_ host: String) async throws -> Drop {
        try #require(await changes.first { change -> Drop? in
            guard case let .disconnected(_, address, reason, discouraged) = change, address.host == host else { return nil }
            return Drop(reason: reason, discouraged: discouraged)
        })
    }
}
