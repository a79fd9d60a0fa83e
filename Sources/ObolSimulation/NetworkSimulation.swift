import Foundation
import ObolCore
import ObolWire

/// A discrete-event simulation of block propagation: every link runs two real `PeerProtocol` state machines
/// (ObolWire's, as the node does), messages take the link's latency (and blocks their sender's upload time),
/// some are lost, and nodes follow the node's relay policy:
/// - a node that adopts a block as its tip announces it as `headers` to every peer not known to have it;
/// - a node that hears of a block it lacks asks the announcer with `getdata`, and asks another announcer if
///   the block has not come within `requestTimeout`;
/// - a block whose parent is missing waits for it, and the parent is asked of the same peer;
/// - the tip is the highest block; at equal height the first one seen stays (so a rival block is not relayed
///   further, and one of the two goes stale).
public struct NetworkSimulation {
    struct SimBlock {
        var header: BlockHeader
        var hash: Hash256
        var parent: Int
        var height: Int
        var minedAt: Double
        var miner: Int
    }

    struct Link {
        var ends: (Int, Int)
        var latency: Double
        /// `protocols.0` is `ends.0`'s view of the link.
        var protocols: (PeerProtocol, PeerProtocol)
    }

    enum Event {
        case mine
        case deliver(link: Int, to: Int, message: Message)
        case timeout(node: Int, block: Int)
    }

    struct NodeState {
        var tip = 0
        var links: [Int] = []
        var uploadFreeAt = 0.0
        var pending: [Int: Int] = [:]  // block → the link it was asked over
        var announcers: [Int: [Int]] = [:]  // block → links that announced it
        var orphans: [Int: [Int]] = [:]  // missing parent → blocks waiting for it
    }

    public let configuration: SimulationConfiguration
    var blocks: [SimBlock] = []
    var blockIndex: [Hash256: Int] = [:]
    var links: [Link] = []
    var nodes: [NodeState]
    /// When each node received each block (row: block), or -1.
    var arrival: [Float] = []
    var bytesSent: [Int]
    var queue = EventQueue<Event>()
    var rng: SplitMix64
    var now = 0.0
    var messages = 0
    var duplicateBlocks = 0

    public init(_ configuration: SimulationConfiguration) {
        self.configuration = configuration
        nodes = Array(repeating: NodeState(), count: configuration.nodes)
        bytesSent = Array(repeating: 0, count: configuration.nodes)
        rng = SplitMix64(seed: configuration.seed)
    }

    /// Runs the whole simulation: every block is mined and the network goes quiet.
    public static func run(_ configuration: SimulationConfiguration) -> SimulationReport {
        var simulation = NetworkSimulation(configuration)
        simulation.start()
        while let (time, event) = simulation.queue.pop() {
            simulation.now = time
            simulation.handle(event)
        }
        return SimulationReport(simulation)
    }

    // MARK: Set-up

    mutating func start() {
        let genesis = BlockHeader(height: 0, previousHash: .zero, merkleRoot: .zero, timestamp: 0, bits: CompactTarget(bits: 0x207f_ffff))
        addBlock(SimBlock(header: genesis, hash: genesis.hash, parent: -1, height: 0, minedAt: 0, miner: -1))
        for node in 0..<configuration.nodes { arrival[node] = 0 }
        connectGraph()
        queue.push(.mine, at: exponential(mean: configuration.blockTime))
    }

    mutating func connectGraph() {
        let count = configuration.nodes
        var dials = [Set<Int>](repeating: [], count: count)
        for node in 0..<count {
            var attempts = 0
            while dials[node].count < configuration.outbound, attempts < 100 * configuration.outbound {
                attempts += 1
                let other = Int.random(in: 0..<count, using: &rng)
                if other != node, !dials[other].contains(node) { dials[node].insert(other) }
            }
        }
        let params = PeerConfiguration(networkID: 1)
        for node in 0..<count {
            for other in dials[node].sorted() {
                var configuration = params
                configuration.knownInventoryCapacity = 4_096
                let version = VersionMessage(networkID: 1, services: [.fullNode, .relay], bestHeight: 0,
                                             chainWork: .zero, listenAddress: nil, userAgent: "sim")
                var a = PeerProtocol(configuration: configuration, ourVersion: version, locator: [], nonceSeed: rng.next())
                var b = PeerProtocol(configuration: configuration, ourVersion: version, locator: [], nonceSeed: rng.next())
                _ = a.handle(.connected(now: .zero))
                _ = b.handle(.connected(now: .zero))
                _ = a.handle(.received(.version(version), now: .zero))
                _ = b.handle(.received(.version(version), now: .zero))
                _ = a.handle(.received(.verack, now: .zero))
                _ = b.handle(.received(.verack, now: .zero))
                let latency = Double.random(in: self.configuration.latency, using: &rng)
                nodes[node].links.append(links.count)
                nodes[other].links.append(links.count)
                links.append(Link(ends: (node, other), latency: latency, protocols: (a, b)))
            }
        }
    }

    mutating func addBlock(_ block: SimBlock) {
        blockIndex[block.hash] = blocks.count
        blocks.append(block)
        arrival.append(contentsOf: repeatElement(-1, count: configuration.nodes))
    }

    // MARK: Events

    mutating func handle(_ event: Event) {
        switch event {
        case .mine: mine()
        case let .deliver(link, to, message): deliver(message, over: link, to: to)
        case let .timeout(node, block): requestTimedOut(node, block)
        }
    }

    mutating func mine() {
        let miner = Int.random(in: 0..<configuration.nodes, using: &rng)
        let parent = nodes[miner].tip
        var root = [UInt8](repeating: 0, count: 32)
        for index in 0..<4 { withUnsafeBytes(of: rng.next()) { root.replaceSubrange(index * 8..<index * 8 + 8, with: $0) } }
        let header = BlockHeader(height: UInt64(blocks[parent].height + 1), previousHash: blocks[parent].hash,
                                 merkleRoot: Hash256(bytes: root)!, timestamp: UInt64(now), bits: blocks[0].header.bits)
        addBlock(SimBlock(header: header, hash: header.hash, parent: parent, height: blocks[parent].height + 1,
                          minedAt: now, miner: miner))
        let block = blocks.count - 1
        arrival[block * configuration.nodes + miner] = Float(now)
        connect(block, at: miner)
        if blocks.count - 1 < configuration.blocks { queue.push(.mine, at: now + exponential(mean: configuration.blockTime)) }
    }

    func has(_ node: Int, _ block: Int) -> Bool { arrival[block * configuration.nodes + node] >= 0 }

    /// `node` has `block` and its parent: it may become the tip; blocks waiting for it follow.
    mutating func connect(_ block: Int, at node: Int) {
        var ready = [block]
        while let next = ready.popLast() {
            if blocks[next].height > blocks[nodes[node].tip].height {
                nodes[node].tip = next
                announce(next, from: node)
            }
            ready += nodes[node].orphans.removeValue(forKey: next) ?? []
        }
    }

    mutating func announce(_ block: Int, from node: Int) {
        for link in nodes[node].links { command(.announceHeaders([blocks[block].header]), from: node, over: link) }
    }

    mutating func request(_ block: Int, by node: Int, over link: Int) {
        nodes[node].pending[block] = link
        command(.requestBlocks([blocks[block].hash]), from: node, over: link)
        queue.push(.timeout(node: node, block: block), at: now + configuration.requestTimeout)
    }

    mutating func requestTimedOut(_ node: Int, _ block: Int) {
        guard !has(node, block), let asked = nodes[node].pending[block] else { return }
        let announcers = nodes[node].announcers[block] ?? [asked]
        let next = announcers.firstIndex(of: asked).map { announcers[($0 + 1) % announcers.count] } ?? asked
        request(block, by: node, over: next)
    }

    /// Runs a command through `node`'s side of `link` and sends what it says to send.
    mutating func command(_ command: PeerCommand, from node: Int, over link: Int) {
        let side = links[link].ends.0 == node ? 0 : 1
        let actions = side == 0 ? links[link].protocols.0.handle(.command(command))
            : links[link].protocols.1.handle(.command(command))
        for case let .send(message) in actions { send(message, from: node, over: link) }
    }

    mutating func send(_ message: Message, from node: Int, over link: Int) {
        messages += 1
        let size = wireSize(message)
        bytesSent[node] += size
        var departure = now
        if case .block = message {
            departure = max(now, nodes[node].uploadFreeAt) + Double(size) / configuration.bandwidth
            nodes[node].uploadFreeAt = departure
        }
        if configuration.loss > 0, Double.random(in: 0..<1, using: &rng) < configuration.loss { return }
        let to = links[link].ends.0 == node ? links[link].ends.1 : links[link].ends.0
        queue.push(.deliver(link: link, to: to, message: message), at: departure + links[link].latency)
    }

    /// Bytes on the wire: the frame header (command and length, 5 bytes), the payload, and Noise's length
    /// prefix and tag (18 bytes per transport message); a block counts `blockSize`.
    func wireSize(_ message: Message) -> Int {
        switch message {
        case .block: configuration.blockSize
        case let .headers(headers): 23 + 4 + headers.count * BlockHeader.size
        case let .getdata(items), let .inv(items), let .notfound(items): 23 + 4 + items.count * 33
        default: 23 + 16
        }
    }

    mutating func deliver(_ message: Message, over link: Int, to node: Int) {
        let side = links[link].ends.0 == node ? 0 : 1
        let event = PeerEvent.received(message, now: .milliseconds(Int64(now * 1_000)))
        let actions = side == 0 ? links[link].protocols.0.handle(event) : links[link].protocols.1.handle(event)
        for action in actions {
            switch action {
            case let .send(reply): send(reply, from: node, over: link)
            case let .deliverHeaders(headers): heard(headers, at: node, over: link)
            case let .serveData(items):
                for item in items where item.kind == .block {
                    guard let block = blockIndex[item.hash], has(node, block) else { continue }
                    command(.send(.block(Block(header: blocks[block].header, transactions: []))), from: node, over: link)
                }
            case let .deliverBlock(block): received(block.header, at: node, over: link)
            default: break
            }
        }
    }

    mutating func heard(_ headers: [BlockHeader], at node: Int, over link: Int) {
        for header in headers {
            guard let block = blockIndex[header.hash], !has(node, block) else { continue }
            nodes[node].announcers[block, default: []].append(link)
            if nodes[node].pending[block] == nil { request(block, by: node, over: link) }
        }
    }

    mutating func received(_ header: BlockHeader, at node: Int, over link: Int) {
        guard let block = blockIndex[header.hash] else { return }
        guard !has(node, block) else {
            duplicateBlocks += 1
            return
        }
        arrival[block * configuration.nodes + node] = Float(now)
        nodes[node].pending[block] = nil
        nodes[node].announcers[block] = nil
        let parent = blocks[block].parent
        if has(node, parent) {
            connect(block, at: node)
        } else {
            nodes[node].orphans[parent, default: []].append(block)
            if nodes[node].pending[parent] == nil { request(parent, by: node, over: link) }
        }
    }

    mutating func exponential(mean: Double) -> Double {
        -mean * log(1 - Double.random(in: 0..<1, using: &rng))
    }
}
