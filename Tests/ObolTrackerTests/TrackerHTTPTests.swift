import Foundation
import Hummingbird
import HummingbirdTesting
import Obol
import ObolAPI
import ObolAPIModels
import ObolTestSupport
import ObolTracker
import Testing

/// The tracker's HTTP routes, in process and over a socket with the node's `TrackerClient`.
@Suite(.timeLimit(.minutes(1)))
struct TrackerHTTPTests {
    static let network: UInt32 = 7

    static func backend(heartbeat: UInt64 = 30) -> (TrackerAPIBackend, NoiseKeyPair) {
        let key = NoiseKeyPair()
        let service = TrackerService(network: network, key: key, heartbeatInterval: heartbeat, verifier: nil,
                                     now: { UInt64(Date().timeIntervalSince1970) })
        return (TrackerAPIBackend(service: service), key)
    }

    static func json(_ value: some Encodable) throws -> ByteBuffer {
        ByteBuffer(data: try JSONEncoder().encode(value))
    }

    @Test func routesRegisterListAndRefuseWithJSONErrors() async throws {
        let (backend, key) = Self.backend()
        let node = NoiseKeyPair(), attacker = NoiseKeyPair()
        let now = UInt64(Date().timeIntervalSince1970)
        let register = try TrackerProof.request(.register, address: PeerEndpoint(host: "127.0.0.2", port: 9333),
                                                network: Self.network, timestamp: now, nodeKey: node, trackerKey: key.publicKey)
        var forged = try TrackerProof.request(.leave, address: PeerEndpoint(host: "127.0.0.2", port: 9333),
                                              network: Self.network, timestamp: now + 1, nodeKey: attacker,
                                              trackerKey: key.publicKey)
        forged.nodeId = register.nodeId
        let forgedLeave = forged
        try await Application(router: buildTrackerRouter(backend: backend)).test(.router) { client in
            let info = try await client.execute(uri: "/tracker", method: .get)
            #expect(try JSONDecoder().decode(TrackerInfoResponse.self, from: Data(info.body.readableBytesView))
                == backend.info)
            let listed = try await client.execute(uri: "/tracker/register", method: .post,
                                                  headers: [.contentType: "application/json"], body: try Self.json(register))
            #expect(listed.status == .noContent)
            let refused = try await client.execute(uri: "/tracker/leave", method: .post,
                                                   headers: [.contentType: "application/json"], body: try Self.json(forgedLeave))
            #expect(refused.status == .unauthorized)
            let error = try JSONDecoder().decode(ErrorResponse.self, from: Data(refused.body.readableBytesView))
            #expect(error.error.code == "bad-proof")
            let peers = try await client.execute(uri: "/tracker/peers?count=5", method: .get)
            #expect(try JSONDecoder().decode(TrackerPeersResponse.self, from: Data(peers.body.readableBytesView)).peers
                == ["127.0.0.2:9333"])
            let garbage = try await client.execute(uri: "/tracker/register", method: .post,
                                                   headers: [.contentType: "application/json"], body: ByteBuffer(string: "{"))
            #expect(garbage.status == .badRequest)
            let malformed = try await client.execute(uri: "/tracker/peers?count=many", method: .get)
            #expect(malformed.status == .badRequest)
        }
    }

    @Test func theNodesClientRegistersBeatsFindsAndLeaves() async throws {
        let (backend, _) = Self.backend()
        let app = Application(router: buildTrackerRouter(backend: backend), configuration: .init(address: .hostname("127.0.0.1", port: 0)))
        try await app.test(.live) { client in
            let url = "http://127.0.0.1:\(client.port!)"
            let a = try TrackerClient(url: url, nodeKey: NoiseKeyPair(), network: Self.network)
            let b = try TrackerClient(url: url, nodeKey: NoiseKeyPair(), network: Self.network)
            let aAt = PeerEndpoint(host: "127.0.0.2", port: 9333), bAt = PeerEndpoint(host: "127.0.0.3", port: 9333)
            #expect(try await a.register(listen: aAt) == .seconds(30))
            _ = try await b.register(listen: bAt)
            try await a.heartbeat(listen: aAt)
            try await a.heartbeat(listen: aAt)  // twice in the same second: the timestamps still rise
            #expect(try await a.peers(count: 10) == [bAt])
            await b.leave(listen: bAt)
            #expect(try await a.peers(count: 10).isEmpty)
            // A client of another network is refused before it registers.
            let stranger = try TrackerClient(url: url, nodeKey: NoiseKeyPair(), network: Self.network + 1)
            await #expect(throws: TrackerClientError.self) { _ = try await stranger.register(listen: bAt) }
            // Heartbeats for a node the tracker forgot fail, so the node registers again.
            await #expect(throws: TrackerClientError.self) { try await b.heartbeat(listen: bAt) }
        }
        #expect(throws: TrackerClientError.self) { _ = try TrackerClient(url: "ftp://x", nodeKey: NoiseKeyPair(), network: 1) }
    }
}
