import Foundation
import HummingbirdTesting
import ObolAPI
import ObolAPIModels
import ObolCore
import Testing

@Suite(.timeLimit(.minutes(1))) struct PeerRouteTests {
    @Test func listsEveryConnectedPeer() async throws {
        try await withRouter { client in
            let response = try await client.get("/peers")
            #expect(response.status == .ok)
            #expect(response.headers[.contentType] == "application/json; charset=utf-8")
            let list: PeerListResponse = try response.decode()
            #expect(list.peers.map(\.id) == [1, 2])
            let inbound = try #require(list.peers.first)
            #expect(inbound.address == "203.0.113.7:40001")
            #expect(inbound.direction == .inbound)
            #expect(inbound.height == 2)
            #expect(inbound.work == UInt256(3))
            #expect(inbound.connectedSince == FakeBackend.now - 600)
            #expect(inbound.bytesSent == 1_000 && inbound.bytesReceived == 2_000)
            #expect(inbound.pingMs == 12.5)
            #expect(inbound.established && !inbound.isStatic)
            let outbound = list.peers[1]
            #expect(outbound.address == "[2001:db8::1]:9333")
            #expect(outbound.direction == .outbound)
            #expect(outbound.pingMs == nil)
            #expect(!outbound.established && outbound.isStatic)
        }
    }

    @Test func peerEntriesUseTheDocumentedFieldNames() async throws {
        try await withRouter { client in
            let response = try await client.get("/peers")
            let object = try #require(try JSONSerialization.jsonObject(with: Data(response.body.readableBytesView))
                as? [String: Any])
            let peers = try #require(object["peers"] as? [[String: Any]])
            #expect(Set(peers[0].keys) == ["id", "nodeId", "address", "direction", "height", "work", "connectedSince",
                                           "bytesSent", "bytesReceived", "pingMs", "userAgent", "established", "static"])
            #expect(peers[0]["direction"] as? String == "inbound")
            #expect(peers[0]["work"] as? String == UInt256(3).description)
            #expect(peers[0]["static"] as? Bool == false)
            // Before the first pong there is no ping time: the key is absent.
            #expect(peers[1]["pingMs"] == nil)
            #expect(peers[1]["direction"] as? String == "outbound")
        }
    }

    @Test(arguments: ["198.51.100.4:9333", "[2001:DB8::2]:9333", "seed.example.org:1"])
    func connectAnswers201WithTheNewPeer(address: String) async throws {
        let backend = FakeBackend()
        try await withRouter(backend) { client in
            let response = try await client.post("/peers", encoding: ConnectPeerRequest(address: address))
            #expect(response.status == .created)
            let peer: PeerResponse = try response.decode()
            #expect(peer.address == address.lowercased())
            #expect(peer.direction == .outbound)
            #expect(peer.id == 3)
            let list: PeerListResponse = try await client.get("/peers").decode()
            #expect(list.peers.map(\.id) == [1, 2, 3])
        }
    }

    @Test(arguments: [
        (PeerRefusal.Code.banned, 403), (.discouraged, 403), (.selfConnection, 409), (.duplicate, 409),
        (.unreachable, 502), (.noFreeSlot, 503), (.notRunning, 503),
    ])
    func refusalsMapToTheirStatus(code: PeerRefusal.Code, status: Int) async throws {
        let backend = FakeBackend()
        await backend.refuse("198.51.100.4", with: code)
        try await withRouter(backend) { client in
            let response = try await client.post("/peers", json: #"{"address": "198.51.100.4:9333"}"#)
            #expect(response.status.code == status)
            #expect(response.errorCode == code.rawValue)
            #expect(response.errorMessage == "refused 198.51.100.4 with \(code.rawValue)")
        }
        #expect(await backend.peers().count == 2)
    }

    @Test func connectingTwiceIs409Duplicate() async throws {
        try await withRouter { client in
            let response = try await client.post("/peers", json: #"{"address": "203.0.113.7:40001"}"#)
            #expect(response.status == .conflict)
            #expect(response.errorCode == "duplicate")
        }
    }

    @Test(arguments: [
        "", "198.51.100.4", "198.51.100.4:", "198.51.100.4:0", "198.51.100.4:65536", "198.51.100.4:+80",
        "198.51.100.4:port", "2001:db8::1", "::1", "[2001:db8::1]", "[2001:db8::1]9333", "[2001:db8::1:9333",
        "[host.example]:9333", "bad host:9333", "host/path:9333", "höst:9333", " 198.51.100.4:9333",
        String(repeating: "a", count: 256) + ":9333",
    ])
    func malformedAddressesAre400(address: String) async throws {
        let backend = FakeBackend()
        try await withRouter(backend) { client in
            let response = try await client.post("/peers", encoding: ConnectPeerRequest(address: address))
            #expect(response.status == .badRequest)
            #expect(response.errorCode == "invalid-peer-address")
            #expect(response.errorMessage?.isEmpty == false)
        }
        #expect(await backend.peers().count == 2)
    }

    @Test func addressWithoutPortSaysHowToWriteIt() async throws {
        try await withRouter { client in
            let response = try await client.post("/peers", json: #"{"address": "seed.example.org"}"#)
            #expect(response.status == .badRequest)
            #expect(response.errorMessage == #""seed.example.org" has no port: write HOST:PORT, or [IPv6]:PORT for IPv6"#)
        }
    }

    @Test(arguments: [
        ("{not json", "invalid-json"), ("", "invalid-json"), ("[]", "invalid-json"), ("{}", "invalid-json"),
        (#"{"address": 9333}"#, "invalid-json"), (#"{"address": null}"#, "invalid-json"),
    ])
    func malformedConnectBodiesAre400(body: String, code: String) async throws {
        try await withRouter { client in
            let response = try await client.post("/peers", json: body)
            #expect(response.status == .badRequest)
            #expect(response.errorCode == code)
        }
    }

    @Test func missingAddressIsNamed() async throws {
        try await withRouter { client in
            let response = try await client.post("/peers", json: "{}")
            #expect(response.status == .badRequest)
            #expect(response.errorMessage == #"missing field "address""#)
        }
    }

    @Test func oversizeConnectBodyIs413() async throws {
        let backend = FakeBackend()
        try await withRouter(backend, options: APIOptions(maxBodySize: 64)) { client in
            let body = #"{"address": "198.51.100.4:9333", "padding": ""# + String(repeating: "x", count: 100) + #""}"#
            let response = try await client.post("/peers", json: body)
            #expect(response.status == .contentTooLarge)
            #expect(response.errorCode == "body-too-large")
        }
        #expect(await backend.peers().count == 2)
    }

    @Test func deleteOnPeersIsAJSONError() async throws {
        try await withRouter { client in
            let response = try await client.execute(uri: "/peers", method: .delete)
            #expect(response.status.code >= 400 && response.status.code < 500)
            #expect(response.errorCode != nil)
        }
    }
}
