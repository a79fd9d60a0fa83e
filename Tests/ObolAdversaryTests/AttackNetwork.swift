import ObolAdversary
import ObolCore
import ObolNode
import ObolTestSupport
import ObolWire

/// Three honest nodes on the in-memory network (`hub` on 127.0.0.2, and 127.0.0.3 and 127.0.0.4 dialling it),
/// the attacker's own follower on 127.0.0.10, and an `Attacker` whose lies come from hosts of their own.
///
/// The honest chain (`builder`) has 25 blocks and a transfer to replay. Its first blocks came a second
/// apart, so the retargets at 10 and 20 made it 16 times harder than genesis: a longer fork at the genesis
/// difficulty carries less work.
struct AttackNetwork {
    static let attackHost = "127.0.0.66"

    let network: MemoryNetwork
    let honest: [NetworkNode]
    let follower: NetworkNode
    var builder: ChainBuilder
    let attacker: Attacker

    var hub: NetworkNode { honest[0] }
    var targets: [PeerEndpoint] { [honest[0].endpoint, honest[1].endpoint] }

    static let chain: ChainBuilder = {
        var builder = ChainBuilder()
        for height in 1...25 {
            if height == 12 { builder.addTransfer(to: ChainBuilder.testAddress(3), amount: 7 * ChainParams.coin) }
            let fast = height < 20
            try! builder.mine(timestamp: builder.tip.header.timestamp + (fast ? 1 : builder.params.targetBlockTime))
        }
        return builder
    }()

    init() throws {
        let network = MemoryNetwork()
        self.network = network
        let hub = PeerEndpoint(host: "127.0.0.2", port: 9333)
        honest = try ["127.0.0.2", "127.0.0.3", "127.0.0.4"].map { host in
            try NetworkNode(network: network, host: host, staticPeers: host == hub.host ? [] : [hub])
        }
        follower = try NetworkNode(network: network, host: "127.0.0.10", staticPeers: [hub], listening: false)
        builder = Self.chain
        attacker = Attacker(params: .test, chain: follower.node.chain, key: ChainBuilder.allocationKey,
                            clock: SystemClock()) { host in
            // A key of its own for every connection, as `obol attack` makes.
            network.transport(host: host, nodeID: (0..<32).map { _ in UInt8.random(in: 0...255) }, listening: false)
        }
    }

    var everyNode: [NetworkNode] { honest + [follower] }

    /// Runs the nodes with the chain at every one of them, then `body`.
    func run(_ body: () async throws -> Void) async throws {
        try await withRunningNodes(everyNode) {
            for node in honest.dropFirst() + [follower] { await node.waitForPeerCount(1) }
            for block in builder.blocks.dropFirst() { _ = await hub.node.submit(block) }
            for node in everyNode { await node.waitForTip(builder.tip.hash) }
            try await body()
        }
    }

    /// Whether `host` is discouraged by `node`, and why.
    func discouragement(of host: String, at node: NetworkNode) async -> Discouragement? {
        await node.peers.discouragements().first { $0.host == host }
    }

    /// The hosts any honest node discouraged.
    func discouragedHosts() async -> Set<String> {
        var hosts = Set<String>()
        for node in everyNode { hosts.formUnion(await node.peers.discouragements().map(\.host)) }
        return hosts
    }

    /// A new honest block enters at the last honest node; every node, the follower too, reaches it.
    mutating func honestNodesConverge(transfers: [Transfer] = []) async throws {
        let block = try builder.mine(transfers: transfers)
        _ = await honest[2].node.submit(block)
        for node in everyNode { await node.waitForTip(block.hash) }
    }
}
