import Foundation
import Hummingbird
import HummingbirdTesting
import Obol
import ObolAPIModels
import ObolTestSupport
import ObolWire
import Testing

/// The peer routes over a real node (`NodeAPIBackend`) on the in-memory network.
@Suite(.timeLimit(.minutes(1))) struct NodeAPIBackendPeerTests {
    func withRouter(over backend: NodeAPIBackend,
                    _ body: @Sendable (any TestClientProtocol) async throws -> Void) async throws {
        try await Application(router: buildRouter(backend: backend)).test(.router, body)
    }

    @Test func aNodeWithoutAPeerLayerListsNothingAndRefusesCommands() async throws {
        let node = try Node(configuration: NodeConfiguration(params: .test, verificationThreads: 1),
                            store: MemoryChainStore())
        #expect(node.peers == nil)
        try await withRouter(over: NodeAPIBackend(node: node)) { client in
            #expect(try await client.get("/peers").decode(PeerListResponse.self).peers.isEmpty)
            #expect(try await client.get("/peers/bans").decode(PeerBanListResponse.self).bans.isEmpty)
            let connect = try await client.post("/peers", json: #"{"address": "127.0.0.2:9333"}"#)
            #expect(connect.status == .serviceUnavailable)
            #expect(connect.errorCode == "not-running")
            let ban = try await client.post("/peers/bans", json: #"{"address": "127.0.0.2"}"#)
            #expect(ban.status == .serviceUnavailable)
            #expect(ban.errorCode == "not-running")
            let unban = try await client.execute(uri: "/peers/bans/127.0.0.2", method: .delete)
            #expect(unban.status == .notFound)
            let status: StatusResponse = try await client.get("/status").decode()
            #expect(status.peers == 0)
            #expect(status.headers == 0)
            #expect(status.syncing == false)
        }
    }

    @Test func connectsListsRefusesAndBansThroughThePeerManager() async throws {
        let network = MemoryNetwork()
        let a = try NetworkNode(network: network, host: "127.0.0.2")
        let b = try NetworkNode(network: network, host: "127.0.0.3", staticPeers: [a.endpoint])
        let c = try NetworkNode(network: network, host: "127.0.0.4")
        try await withRunningNodes([a, b, c]) {
            await b.waitForPeerCount(1)  // b's peer layer is running
            try await withRouter(over: NodeAPIBackend(node: b.node)) { client in
                let created = try await client.post("/peers", json: #"{"address": "127.0.0.4:9333"}"#)
                #expect(created.status == .created)
                let peer: PeerResponse = try created.decode()
                #expect(peer.address == "127.0.0.4:9333")
                #expect(peer.direction == .outbound)
                #expect(peer.nodeID == Hex.encode(NetworkNode.nodeID(for: "127.0.0.4")))
                #expect(!peer.isStatic)

                await b.waitForPeerCount(2)
                let list: PeerListResponse = try await client.get("/peers").decode()
                #expect(list.peers.map(\.address) == ["127.0.0.2:9333", "127.0.0.4:9333"])
                #expect(list.peers.map(\.isStatic) == [true, false])
                #expect(list.peers.allSatisfy { $0.direction == .outbound && $0.established })
                let status: StatusResponse = try await client.get("/status").decode()
                #expect(status.peers == 2)
                #expect(status.syncing == false)

                let duplicate = try await client.post("/peers", json: #"{"address": "127.0.0.2:9333"}"#)
                #expect(duplicate.status == .conflict)
                #expect(duplicate.errorCode == "duplicate")
                let itself = try await client.post("/peers", json: #"{"address": "127.0.0.3:9333"}"#)
                #expect(itself.status == .conflict)
                #expect(itself.errorCode == "self-connection")
                let nobody = try await client.post("/peers", json: #"{"address": "127.0.0.9:9333"}"#)
                #expect(nobody.status == .badGateway)
                #expect(nobody.errorCode == "unreachable")

                let before = SystemClock().now()
                let banned = try await client.post("/peers/bans",
                                                   json: #"{"address": "127.0.0.4:9333", "duration": 600, "reason": "test"}"#)
                #expect(banned.status == .created)
                let ban: PeerBanResponse = try banned.decode()
                #expect(ban.host == "127.0.0.4" && ban.reason == "test")
                #expect((before + 600...SystemClock().now() + 600).contains(ban.until))
                // The ban drops the host's connection.
                let remaining: PeerListResponse = try await client.get("/peers").decode()
                #expect(remaining.peers.map(\.address) == ["127.0.0.2:9333"])
            }
        }
    }
}
