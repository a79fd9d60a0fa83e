import Foundation
import HummingbirdTesting
import ObolAPI
import ObolAPIModels
import ObolCore
import Testing

@Suite(.timeLimit(.minutes(1))) struct BanRouteTests {
    @Test func listsTheBansInForce() async throws {
        try await withRouter { client in
            let response = try await client.get("/peers/bans")
            #expect(response.status == .ok)
            let list: PeerBanListResponse = try response.decode()
            #expect(list.bans == [PeerBanResponse(host: "10.0.0.66", until: FakeBackend.now + 3_600, reason: "spam")])
            let object = try #require(try JSONSerialization.jsonObject(with: Data(response.body.readableBytesView))
                as? [String: Any])
            let bans = try #require(object["bans"] as? [[String: Any]])
            #expect(Set(bans[0].keys) == ["host", "until", "reason"])
        }
    }

    @Test func listsTheDiscouragedHostsWithTheirOffence() async throws {
        try await withRouter { client in
            let response = try await client.get("/peers/discouraged")
            #expect(response.status == .ok)
            let list: DiscouragedPeerListResponse = try response.decode()
            #expect(list.discouraged == [DiscouragedPeerResponse(host: "10.0.0.99", reason: "invalid block 00ff: bad-signature",
                                                                 since: FakeBackend.now - 60)])
        }
    }

    @Test func banAnswers201AndDropsTheHostsPeers() async throws {
        let backend = FakeBackend()
        try await withRouter(backend) { client in
            let response = try await client.post("/peers/bans", encoding: BanPeerRequest(
                address: "203.0.113.7", duration: 600, reason: "sent invalid blocks"))
            #expect(response.status == .created)
            let ban: PeerBanResponse = try response.decode()
            #expect(ban == PeerBanResponse(host: "203.0.113.7", until: FakeBackend.now + 600, reason: "sent invalid blocks"))
            let list: PeerBanListResponse = try await client.get("/peers/bans").decode()
            #expect(list.bans.map(\.host) == ["10.0.0.66", "203.0.113.7"])
            let peers: PeerListResponse = try await client.get("/peers").decode()
            #expect(peers.peers.map(\.id) == [2])
        }
    }

    @Test func banDefaultsToADayAndNoReason() async throws {
        try await withRouter { client in
            let response = try await client.post("/peers/bans", json: #"{"address": "198.51.100.4"}"#)
            #expect(response.status == .created)
            let ban: PeerBanResponse = try response.decode()
            #expect(ban.until == FakeBackend.now + 86_400)
            #expect(ban.reason == "")
        }
    }

    @Test(arguments: [
        ("198.51.100.4:9333", "198.51.100.4"), ("Seed.Example.ORG:1", "seed.example.org"),
        ("[2001:DB8:0:0::1]:9333", "2001:db8::1"), ("[2001:db8::1]", "2001:db8::1"), ("2001:db8::1", "2001:db8::1"),
    ])
    func banTakesTheHostOfAnAddress(address: String, host: String) async throws {
        try await withRouter { client in
            let response = try await client.post("/peers/bans", encoding: BanPeerRequest(address: address))
            #expect(response.status == .created)
            #expect(try response.decode(PeerBanResponse.self).host == host)
        }
    }

    @Test(arguments: [BanPeerRequest.maxDuration, 1])
    func durationBoundsAreAccepted(duration: UInt64) async throws {
        try await withRouter { client in
            let response = try await client.post("/peers/bans", encoding: BanPeerRequest(address: "198.51.100.4",
                                                                                         duration: duration))
            #expect(response.status == .created)
            #expect(try response.decode(PeerBanResponse.self).until == FakeBackend.now + duration)
        }
    }

    @Test(arguments: [
        (#"{"address": "198.51.100.4", "duration": 0}"#, "invalid-duration"),
        (#"{"address": "198.51.100.4", "duration": 315360001}"#, "invalid-duration"),
        (#"{"address": "198.51.100.4", "duration": -5}"#, "invalid-json"),
        (#"{"address": "198.51.100.4", "duration": 1.5}"#, "invalid-json"),
        (#"{"address": "198.51.100.4", "duration": "1d"}"#, "invalid-json"),
        (#"{"address": "198.51.100.4", "reason": 7}"#, "invalid-json"),
        (#"{"address": "198.51.100.4", "reason": "two\nlines"}"#, "invalid-reason"),
        (#"{"address": "198.51.100.4", "reason": "bell\u0007"}"#, "invalid-reason"),
        (#"{"address": "host/path"}"#, "invalid-peer-address"),
        (#"{"address": "1.2.3.999"}"#, "invalid-peer-address"),
        (#"{"address": "[host]"}"#, "invalid-peer-address"),
        (#"{"address": "1:2:3"}"#, "invalid-peer-address"),
        (#"{"address": ""}"#, "invalid-peer-address"),
        (#"{"duration": 60}"#, "invalid-json"),
        ("{not json", "invalid-json"),
        ("", "invalid-json"),
    ])
    func malformedBansAre400(body: String, code: String) async throws {
        let backend = FakeBackend()
        try await withRouter(backend) { client in
            let response = try await client.post("/peers/bans", json: body)
            #expect(response.status == .badRequest)
            #expect(response.errorCode == code)
        }
        #expect(await backend.bans().count == 1)
    }

    @Test func reasonIsBoundedAt200Characters() async throws {
        let backend = FakeBackend()
        try await withRouter(backend) { client in
            let longest = String(repeating: "é", count: BanPeerRequest.maxReasonLength)
            let accepted = try await client.post("/peers/bans", encoding: BanPeerRequest(address: "198.51.100.4",
                                                                                         reason: longest))
            #expect(accepted.status == .created)
            #expect(try accepted.decode(PeerBanResponse.self).reason == longest)
            let refused = try await client.post("/peers/bans", encoding: BanPeerRequest(address: "198.51.100.5",
                                                                                        reason: longest + "!"))
            #expect(refused.status == .badRequest)
            #expect(refused.errorCode == "invalid-reason")
        }
        #expect(await backend.bans().map(\.host) == ["10.0.0.66", "198.51.100.4"])
    }

    @Test func banWithoutAPeerLayerIs503() async throws {
        let backend = FakeBackend()
        await backend.refuse("198.51.100.4", with: .notRunning)
        try await withRouter(backend) { client in
            let response = try await client.post("/peers/bans", json: #"{"address": "198.51.100.4"}"#)
            #expect(response.status == .serviceUnavailable)
            #expect(response.errorCode == "not-running")
        }
    }

    @Test func oversizeBanBodyIs413() async throws {
        let backend = FakeBackend()
        try await withRouter(backend, options: APIOptions(maxBodySize: 64)) { client in
            let response = try await client.post("/peers/bans", encoding: BanPeerRequest(
                address: "198.51.100.4", reason: String(repeating: "x", count: 100)))
            #expect(response.status == .contentTooLarge)
            #expect(response.errorCode == "body-too-large")
        }
        #expect(await backend.bans().count == 1)
    }

    @Test(arguments: ["10.0.0.66", "10.0.0.66:9333", "%31%30.0.0.66"])
    func unbanAnswers204(address: String) async throws {
        let backend = FakeBackend()
        try await withRouter(backend) { client in
            let response = try await client.execute(uri: "/peers/bans/\(address)", method: .delete)
            #expect(response.status == .noContent)
            #expect(response.body.readableBytes == 0)
            let again = try await client.execute(uri: "/peers/bans/\(address)", method: .delete)
            #expect(again.status == .notFound)
        }
        #expect(await backend.bans().isEmpty)
    }

    @Test(arguments: ["[2001:db8::7]", "%5B2001%3ADB8%3A%3A7%5D%3A9333", "2001:db8:0::7"])
    func unbanFindsAnIPv6BanHoweverItIsWritten(address: String) async throws {
        let backend = FakeBackend()
        try await withRouter(backend) { client in
            let ban = try await client.post("/peers/bans", json: #"{"address": "[2001:DB8::7]:9333"}"#)
            #expect(try ban.decode(PeerBanResponse.self).host == "2001:db8::7")
            let response = try await client.execute(uri: "/peers/bans/\(address)", method: .delete)
            #expect(response.status == .noContent)
        }
        #expect(await backend.bans().map(\.host) == ["10.0.0.66"])
    }

    @Test func unbanningAHostNotBannedIs404() async throws {
        try await withRouter { client in
            let response = try await client.execute(uri: "/peers/bans/198.51.100.4", method: .delete)
            #expect(response.status == .notFound)
            #expect(response.errorCode == "not-found")
            #expect(response.errorMessage == "198.51.100.4 is not banned")
        }
    }

    @Test(arguments: ["host%2Fpath", "%ZZ", "1.2.3.4:0", "bad%20host"])
    func unbanWithAMalformedAddressIs400(address: String) async throws {
        try await withRouter { client in
            let response = try await client.execute(uri: "/peers/bans/\(address)", method: .delete)
            #expect(response.status == .badRequest)
            #expect(response.errorCode == "invalid-peer-address")
        }
    }
}
