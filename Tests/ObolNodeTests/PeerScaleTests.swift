import ObolCore
import ObolNode
import ObolTestSupport
import ObolWire
import Testing

/// A hundred nodes in one process: in-memory transport and stores, a prebuilt chain, a seeded random graph
/// in which each node dials 8 others, and the test clock, which never moves: relay and sync are driven by
/// messages alone. The tests count hops and messages, not seconds.
@Suite(.timeLimit(.minutes(3)))
struct PeerScaleTests {
    static let count = 100
    static let outbound = 8
    static let hosts = (0..<count).map { "127.0.0.\($0 + 2)" }

    /// Whom each node dials: 8 distinct others, never a node that dials it (one link per pair).
    static let dials: [[Int]] = {
        var rng = SeededRandom(seed: 0x0B01)
        var dials = [Set<Int>](repeating: [], count: count)
        for node in 0..<count {
            while dials[node].count < outbound {
                let other = Int.random(in: 0..<count, using: &rng)
                if other != node, !dials[other].contains(node) { dials[node].insert(other) }
            }
        }
        return dials.map { $0.sorted() }
    }()

    /// Each node's neighbours, both directions.
    static let neighbours: [Set<Int>] = (0..<count).map { node in
        Set(dials[node]).union((0..<count).filter { dials[$0].contains(node) })
    }

    /// Hops from `origin` to every node within `members` (breadth first); nil for a node it cannot reach.
    static func distances(from origin: Int, within members: Set<Int> = Set(0..<count)) -> [Int: Int] {
        var distance = [origin: 0]
        var frontier = [origin]
        while !frontier.isEmpty {
            var next: [Int] = []
            for node in frontier {
                for other in neighbours[node] where members.contains(other) && distance[other] == nil {
                    distance[other] = distance[node]! + 1
                    next.append(other)
                }
            }
            frontier = next
        }
        return distance
    }

    static let chain: ChainBuilder = {
        var builder = ChainBuilder()
        try! builder.mine(count: 3)
        return builder
    }()

    static func makeNodes(_ network: MemoryNetwork, clock: ManualClock) async throws -> [NetworkNode] {
        var nodes: [NetworkNode] = []
        for host in hosts {
            let node = try NetworkNode(network: network, host: host, clock: clock)
            for block in chain.blocks.dropFirst() { _ = await node.node.submit(block) }
            nodes.append(node)
        }
        return nodes
    }

    /// Opens the graph's links: once every node listens, each dials its 8 (as `POST /peers` does), and
    /// every node waits for a link to each of its neighbours. `only` limits it to some of the links.
    static func connect(_ nodes: [NetworkNode], network: MemoryNetwork,
                        only include: @escaping @Sendable (Int, Int) -> Bool = { _, _ in true }) async throws {
        for node in nodes {
            while !network.isListening(node.endpoint) {
                try Task.checkCancellation()
                await Task.yield()
            }
        }
        try await withThrowingTaskGroup(of: Void.self) { group in
            for (index, node) in nodes.enumerated() {
                let targets = dials[index].filter { include(index, $0) }.map { nodes[$0].endpoint }
                group.addTask {
                    for target in targets {
                        // Already linked (the other node dialled first, from its address book): fine.
                        do { _ = try await node.peers.connect(to: target) } catch let error as PeerConnectError where error.code == .duplicate {}
                    }
                }
            }
            try await group.waitForAll()
        }
        for (index, node) in nodes.enumerated() { await node.waitForPeerCount(neighbours[index].count) }
    }

    /// Which node each node first received `block` from (`origin` has none): the tree the block spread along.
    static func senders(of block: Hash256, in nodes: [NetworkNode],
                        origins: [AsyncStream<Origin>]) async -> [Int: Int] {
        var senders: [Int: Int] = [:]
        for (index, node) in nodes.enumerated() {
            let summaries = await node.peers.peers()
            for await origin in origins[index] {
                guard case let .peer(id) = origin else { break }
                if let address = summaries.first(where: { $0.id == id })?.address,
                   let sender = hosts.firstIndex(of: address.host) { senders[index] = sender }
                break
            }
        }
        return senders
    }

    /// The longest path in the tree of senders (node 0 is its root).
    static func rounds(_ senders: [Int: Int]) -> Int {
        var hops = [0: 0]
        for node in 0..<count {
            var path: [Int] = []
            var cursor = node
            while hops[cursor] == nil, let sender = senders[cursor], path.count <= count {
                path.append(cursor)
                cursor = sender
            }
            guard var depth = hops[cursor] else { return .max }
            for step in path.reversed() {
                depth += 1
                hops[step] = depth
            }
        }
        return hops.values.max()!
    }

    @Test func aBlockAndATransferReachEveryOneOfAHundredNodes() async throws {
        let clock = ManualClock()
        let network = MemoryNetwork(clock: clock)
        let nodes = try await Self.makeNodes(network, clock: clock)
        var builder = Self.chain
        let transfer = builder.transfer(to: ChainBuilder.testAddress(1), amount: 5)
        try builder.mine(count: 1)
        let block = builder.tip
        let origins = nodes.map { node in
            node.node.chain.events.subscribe(bufferingPolicy: .bufferingOldest(1)) { event -> Origin? in
                if case let .blockConnected(connected, _, origin) = event, connected.hash == block.hash { origin } else { nil }
            }
        }
        try await withRunningNodes(nodes) { () async throws in
            try await Self.connect(nodes, network: network)
            // The relay of one block: announcements, requests and the block itself (the connections' own
            // messages, such as address gossip, may still be on their way and are left out).
            let relay: [Command] = [.headers, .getdata, .block]
            let before = relay.map { network.messagesSent($0) }
            #expect(await nodes[0].node.submit(block) == .connected(height: 4, disconnected: 0))
            for node in nodes { #expect(await node.waitForTip(block.hash)) }
            let senders = await Self.senders(of: block.hash, in: nodes, origins: origins)
            #expect(senders.count == Self.count - 1, "every node but the miner got it from a peer")
            // Rounds: the hops the block took to the farthest node, against the graph's shortest paths.
            let rounds = Self.rounds(senders)
            let eccentricity = Self.distances(from: 0).values.max()!
            #expect(rounds >= eccentricity)
            #expect(rounds <= eccentricity + 1, "the block took \(rounds) hops; the graph needs \(eccentricity)")
            // Messages: each node downloads the block once and announces it to each neighbour at most once
            // (fewer: not to a neighbour known to have it), about 12 to 15 relay messages a node in all.
            let sent = zip(relay, before).map { network.messagesSent($0) - $1 }
            let (headers, blocks) = (sent[0], sent[2])
            #expect(blocks == Self.count - 1, "block messages: \(blocks)")
            #expect(headers <= Self.neighbours.reduce(0) { $0 + $1.count }, "headers messages: \(headers)")
            let perNode = sent.reduce(0, +) / Self.count
            #expect(perNode <= 2 * Self.outbound + 4, "relay messages per node: \(perNode)")

            // A transfer sent to one node reaches every mempool.
            #expect(try await nodes[Self.count - 3].node.submit(transfer).get() == transfer.id)
            for node in nodes { #expect(await node.waitForTransfer(transfer.id)) }
            #expect(network.messagesSent(.tx) == Self.count - 1, "each node fetched it once")
        }
    }

    @Test func aPartitionOfTheHundredHeals() async throws {
        let clock = ManualClock()
        let network = MemoryNetwork(clock: clock)
        let left = Set(0..<Self.count / 2)
        let right = Set(Self.count / 2..<Self.count)
        // Each half must hang together on its own for its blocks to spread (a property of the seeded graph).
        try #require(Self.distances(from: 0, within: left).count == left.count)
        try #require(Self.distances(from: Self.count / 2, within: right).count == right.count)
        let nodes = try await Self.makeNodes(network, clock: clock)
        var losing = Self.chain
        let transfer = losing.transfer(to: ChainBuilder.testAddress(1), amount: 7)
        try losing.mine(transfers: [transfer])
        var winning = Self.chain.forked(at: Self.chain.height, coinbaseData: [1])
        try winning.mine(count: 2)
        try await withRunningNodes(nodes) { () async throws in
            try await Self.connect(nodes, network: network)
            network.partition([left.map { Self.hosts[$0] }, right.map { Self.hosts[$0] }])
            // Every link across the cut is gone (nodes may dial others on their own side meanwhile).
            for index in 0..<Self.count {
                let side = left.contains(index) ? left : right
                let hosts = Set(side.map { Self.hosts[$0] })
                await nodes[index].waitForPeers { $0.allSatisfy { hosts.contains($0.address.host) } }
            }
            _ = await nodes[0].node.submit(losing.tip)
            for block in winning.blocks.suffix(2) { _ = await nodes[Self.count / 2].node.submit(block) }
            for index in left { #expect(await nodes[index].waitForTip(losing.tip.hash)) }
            for index in right { #expect(await nodes[index].waitForTip(winning.tip.hash)) }

            network.heal()
            // The links across the cut are dialled again.
            try await Self.connect(nodes, network: network) { left.contains($0) != left.contains($1) }
            for node in nodes { #expect(await node.waitForTip(winning.tip.hash)) }
            // The losing side's transfer is pending everywhere, not lost.
            for node in nodes { #expect(await node.waitForTransfer(transfer.id)) }
        }
    }
}
