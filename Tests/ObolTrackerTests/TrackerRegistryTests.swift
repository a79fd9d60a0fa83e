import ObolAPIModels
import ObolCore
import ObolTracker
import ObolTestSupport
import ObolWire
import Synchronization
import Testing

/// The registry, the proofs and the checks of `TrackerService`, without HTTP.
@Suite(.timeLimit(.minutes(1)))
struct TrackerRegistryTests {
    static let network: UInt32 = 7
    static let tracker = NoiseKeyPair()
    static let start: UInt64 = 1_700_000_000

    static func request(_ action: TrackerAction, _ key: NoiseKeyPair, address: String = "127.0.0.2:9333",
                        network: UInt32 = network, at timestamp: UInt64) throws -> TrackerRequest {
        try TrackerProof.request(action, address: PeerEndpoint(address)!, network: network, timestamp: timestamp,
                                 nodeKey: key, trackerKey: tracker.publicKey)
    }

    /// A verifier that answers from a list of (address, node id) pairs that "listen".
    struct Listening: TrackerAddressVerifier {
        let nodes: [PeerEndpoint: [UInt8]]
        func verify(_ endpoint: PeerEndpoint, nodeID: [UInt8]) async -> Bool { nodes[endpoint] == nodeID }
    }

    final class Clock: Sendable {
        let seconds = Mutex(TrackerRegistryTests.start)
        var now: UInt64 { seconds.withLock { $0 } }
        func advance(_ by: UInt64) { seconds.withLock { $0 += by } }
    }

    static func service(clock: Clock, verifier: (any TrackerAddressVerifier)? = nil) -> TrackerService {
        TrackerService(network: network, key: tracker, heartbeatInterval: 10, verifier: verifier, now: { clock.now },
                       random: SeededRandom(seed: 1))
    }

    @Test func theProofCoversEveryFieldAndOnlyTheKeyHolderCanMakeIt() throws {
        let node = NoiseKeyPair()
        let valid = try Self.request(.register, node, at: Self.start)
        #expect(TrackerProof.isValid(valid, for: .register, trackerKey: Self.tracker))
        #expect(!TrackerProof.isValid(valid, for: .leave, trackerKey: Self.tracker))
        var moved = valid
        moved.address = "127.0.0.9:9333"
        #expect(!TrackerProof.isValid(moved, for: .register, trackerKey: Self.tracker))
        var later = valid
        later.timestamp += 1
        #expect(!TrackerProof.isValid(later, for: .register, trackerKey: Self.tracker))
        var otherNetwork = valid
        otherNetwork.network += 1
        #expect(!TrackerProof.isValid(otherNetwork, for: .register, trackerKey: Self.tracker))
        // Another tracker's key does not verify it either.
        #expect(!TrackerProof.isValid(valid, for: .register, trackerKey: NoiseKeyPair()))
        // An attacker names the victim's id but can only prove with its own key.
        let attacker = NoiseKeyPair()
        var forged = try Self.request(.leave, attacker, at: Self.start)
        forged.nodeId = valid.nodeId
        #expect(!TrackerProof.isValid(forged, for: .leave, trackerKey: Self.tracker))
    }

    @Test func registryListsRefreshesExpiresAndRefusesReplays() throws {
        var registry = TrackerRegistry(heartbeatInterval: 10, capacity: 2, replayWindow: 120)
        let a = PeerEndpoint(host: "127.0.0.2", port: 9333), b = PeerEndpoint(host: "127.0.0.3", port: 9333)
        try registry.register("a", at: a, timestamp: 100, now: 100)
        try registry.register("b", at: b, timestamp: 100, now: 100)
        #expect(throws: TrackerError(.full, "the tracker lists 2 nodes already")) {
            try registry.register("c", at: a, timestamp: 100, now: 100)
        }
        #expect(throws: TrackerError.self) { try registry.heartbeat("a", timestamp: 100, now: 105) }  // replayed
        try registry.heartbeat("a", timestamp: 105, now: 105)
        // Three missed heartbeats (30 s) drop b, not a.
        #expect(registry.expire(now: 131) == ["b"])
        #expect(registry.endpoint(of: "a") == a && registry.endpoint(of: "b") == nil)
        try registry.leave("a", timestamp: 106, now: 106)
        // a's old register cannot list it again.
        #expect(throws: TrackerError.self) { try registry.register("a", at: a, timestamp: 100, now: 107) }
        try registry.register("a", at: a, timestamp: 107, now: 107)
        var rng = SeededRandom(seed: 3)
        #expect(registry.peers(count: 5, excluding: "a", using: &rng).isEmpty)
        #expect(registry.peers(count: 5, using: &rng) == [a])
    }

    @Test func theServiceChecksNetworkClockProofAndAddress() async throws {
        let clock = Clock()
        let node = NoiseKeyPair(), other = NoiseKeyPair()
        let here = PeerEndpoint(host: "127.0.0.2", port: 9333)
        let service = Self.service(clock: clock, verifier: Listening(nodes: [here: node.publicKey]))
        func code(_ action: TrackerAction, _ request: TrackerRequest) async -> TrackerError.Code? {
            do { try await service.handle(action, request); return nil } catch { return error.code }
        }
        #expect(await code(.register, try Self.request(.register, node, network: 8, at: clock.now)) == .wrongNetwork)
        #expect(await code(.register, try Self.request(.register, node, at: clock.now - 500)) == .staleTimestamp)
        // An address where nothing with this key listens.
        #expect(await code(.register, try Self.request(.register, other, at: clock.now)) == .unverifiedAddress)
        #expect(await code(.register, try Self.request(.register, node, address: "127.0.0.5:9333", at: clock.now))
            == .unverifiedAddress)
        var garbled = try Self.request(.register, node, at: clock.now)
        garbled.proof = String(repeating: "0", count: 64)
        #expect(await code(.register, garbled) == .badProof)
        #expect(await code(.heartbeat, try Self.request(.heartbeat, node, at: clock.now)) == .unknownNode)
        #expect(await code(.register, try Self.request(.register, node, at: clock.now)) == nil)
        #expect(await service.endpoint(of: Hex.encode(node.publicKey)) == here)
        // A forged leave (the victim's id, the attacker's proof) is refused, and the victim stays listed.
        var forged = try Self.request(.leave, other, at: clock.now + 1)
        forged.nodeId = Hex.encode(node.publicKey)
        #expect(await code(.leave, forged) == .badProof)
        #expect(await service.count == 1)
        clock.advance(5)
        #expect(await code(.heartbeat, try Self.request(.heartbeat, node, at: clock.now)) == nil)
        #expect(await service.peers(count: 10) == [here])
        #expect(await service.peers(count: 10, excluding: Hex.encode(node.publicKey)).isEmpty)
        // Silent for three intervals: dropped.
        clock.advance(31)
        #expect(await service.peers(count: 10).isEmpty)
    }

    @Test func malformedRequestsAreRefusedClearly() async throws {
        let service = Self.service(clock: Clock())
        var request = try Self.request(.register, NoiseKeyPair(), at: Self.start)
        request.nodeId = "zz"
        await #expect(throws: TrackerError.self) { try await service.handle(.register, request) }
        request = try Self.request(.register, NoiseKeyPair(), at: Self.start)
        request.address = "no-port"
        do {
            try await service.handle(.register, request)
            Issue.record("accepted an address without a port")
        } catch {
            #expect(error.code == .invalidRequest)
        }
    }
}
