import Obol
import ObolAPIModels
import ObolCore
import ObolNode
import ObolTestSupport
import ObolTracker
import ObolWire
import Synchronization
import Testing

/// A `PeerDirectory` that calls a `TrackerService` in the same process, with proven requests.
struct InProcessDirectory: PeerDirectory {
    let service: TrackerService
    let nodeKey = NoiseKeyPair()
    private let clock = Timestamps()

    /// Rising timestamps, one per request.
    final class Timestamps: Sendable {
        private let last = Mutex<UInt64>(1_700_000_000)
        func next() -> UInt64 { last.withLock { $0 += 1; return $0 } }
    }

    init(service: TrackerService) { self.service = service }

    var nodeID: String { Hex.encode(nodeKey.publicKey) }

    private func request(_ action: TrackerAction, _ listen: PeerEndpoint) throws -> TrackerRequest {
        let timestamp = clock.next()
        return try TrackerProof.request(action, address: listen, network: service.network, timestamp: timestamp,
                                        nodeKey: nodeKey, trackerKey: service.key.publicKey)
    }

    func register(listen: PeerEndpoint) async throws -> Duration {
        try await service.handle(.register, try request(.register, listen))
        return .seconds(service.heartbeatInterval)
    }

    func heartbeat(listen: PeerEndpoint) async throws { try await service.handle(.heartbeat, try request(.heartbeat, listen)) }

    func peers(count: Int) async throws -> [PeerEndpoint] { await service.peers(count: count, excluding: nodeID) }

    func leave(listen: PeerEndpoint) async { try? await service.handle(.leave, try request(.leave, listen)) }
}

/// A tracker that works until `down` is set.
final class FailingDirectory: PeerDirectory {
    let wrapped: InProcessDirectory
    private let state = Mutex(false)

    init(_ wrapped: InProcessDirectory) { self.wrapped = wrapped }

    var down: Bool {
        get { state.withLock { $0 } }
        set { state.withLock { $0 = newValue } }
    }

    private func check() throws { if down { throw UnreachableDirectory.Down() } }

    func register(listen: PeerEndpoint) async throws -> Duration {
        try check()
        return try await wrapped.register(listen: listen)
    }

    func heartbeat(listen: PeerEndpoint) async throws {
        try check()
        try await wrapped.heartbeat(listen: listen)
    }

    func peers(count: Int) async throws -> [PeerEndpoint] {
        try check()
        return try await wrapped.peers(count: count)
    }

    func leave(listen: PeerEndpoint) async { if !down { await wrapped.leave(listen: listen) } }
}

/// A tracker that is down.
struct UnreachableDirectory: PeerDirectory {
    struct Down: Error {}
    func register(listen: PeerEndpoint) async throws -> Duration { throw Down() }
    func heartbeat(listen: PeerEndpoint) async throws { throw Down() }
    func peers(count: Int) async throws -> [PeerEndpoint] { throw Down() }
    func leave(listen: PeerEndpoint) async {}
}

/// Nodes that find each other through a tracker, on the in-memory network.
@Suite(.timeLimit(.minutes(1)))
struct TrackerDiscoveryTests {
    static func service() -> TrackerService {
        TrackerService(network: ChainParams.test.networkID, heartbeatInterval: 30, verifier: nil,
                       now: { 1_700_000_000 })
    }

    static func node(_ network: MemoryNetwork, _ host: String, directory: any PeerDirectory,
                     clock: any NodeClock = SystemClock(), listening: Bool = true,
                     maxDirectoryOutbound: Int = 4) throws -> NetworkNode {
        try NetworkNode(network: network, host: host, clock: clock, listening: listening) {
            $0.peers.directory = directory
            $0.peers.maxDirectoryOutbound = maxDirectoryOutbound
        }
    }

    /// Waits until the tracker lists `count` nodes.
    static func waitForListed(_ service: TrackerService, _ count: Int) async throws {
        while await service.count < count {
            try Task.checkCancellation()
            await Task.yield()
        }
    }

    @Test func nodesFindEachOtherThroughTheTrackerWhichCapsTheSlotsItFillsAndForgetsThemWhenTheyStop() async throws {
        let network = MemoryNetwork()
        let service = Self.service()
        // Each in its own network group: a node dials at most one address per group in a round.
        let listed = try (1...4).map { try Self.node(network, "127.\($0).0.2", directory: InProcessDirectory(service: service)) }
        // A newcomer that only dials out (nobody dials it back), with a clock that never moves: one directory
        // round, one chance to fill its slots.
        let newcomer = try Self.node(network, "127.0.0.9", directory: InProcessDirectory(service: service),
                                     clock: ManualClock(), listening: false, maxDirectoryOutbound: 2)
        var builder = ChainBuilder()
        try builder.mine(count: 1)
        try await withRunningNodes([listed[0]]) {
            try await Self.waitForListed(service, 1)
            try await withRunningNodes(Array(listed.dropFirst())) {
                try await Self.waitForListed(service, 4)
                // Each later node dialled those listed before it.
                for node in listed { await node.waitForPeerCount(1) }
                try await withRunningNodes([newcomer]) {
                    await newcomer.waitForPeerCount(2)
                    // Four addresses from the tracker, two slots for them.
                    let peers = await newcomer.peers.peers()
                    #expect(peers.filter { $0.direction == .outbound }.count == 2, "\(peers.map(\.address))")
                    #expect(await service.count == 4, "a node that does not listen is not listed")
                    _ = await listed[3].node.submit(builder.tip)
                    #expect(await newcomer.waitForTip(builder.tip.hash))
                }
            }
            // The three stopped nodes unlisted themselves.
            #expect(await service.count == 1)
        }
    }

    @Test func aTrackerThatGoesDownMidRunLeavesTheNetworkWorking() async throws {
        let network = MemoryNetwork()
        let service = Self.service()
        let directories = (0..<2).map { _ in FailingDirectory(InProcessDirectory(service: service)) }
        let a = try Self.node(network, "127.1.0.2", directory: directories[0])
        let b = try Self.node(network, "127.2.0.2", directory: directories[1])
        let c = try NetworkNode(network: network, host: "127.3.0.2", staticPeers: [b.endpoint]) {
            $0.peers.directory = UnreachableDirectory()
        }
        var builder = ChainBuilder()
        try builder.mine(count: 2)
        try await withRunningNodes([a]) {
            try await Self.waitForListed(service, 1)
            try await withRunningNodes([b]) {
                await b.waitForPeerCount(1)
                for directory in directories { directory.down = true }
                _ = await a.node.submit(builder.block(at: 1))
                #expect(await b.waitForTip(builder.block(at: 1).hash))
                // A node joining meanwhile by a static peer syncs and follows.
                try await withRunningNodes([c]) {
                    #expect(await c.waitForTip(builder.block(at: 1).hash))
                    _ = await a.node.submit(builder.tip)
                    #expect(await c.waitForTip(builder.tip.hash))
                }
            }
        }
    }

    @Test func nodesKeepWorkingWhenTheTrackerIsDown() async throws {
        let network = MemoryNetwork()
        let a = try Self.node(network, "127.0.0.2", directory: UnreachableDirectory())
        let b = try NetworkNode(network: network, host: "127.0.0.3", staticPeers: [a.endpoint]) {
            $0.peers.directory = UnreachableDirectory()
        }
        var builder = ChainBuilder()
        try builder.mine(count: 1)
        try await withRunningNodes([a, b]) {
            await b.waitForPeerCount(1)
            _ = await a.node.submit(builder.tip)
            #expect(await b.waitForTip(builder.tip.hash))
        }
    }
}
