import ObolAPI
import ObolAPIModels
import ObolWire
import Testing

@Suite(.timeLimit(.minutes(1))) struct PeerAddressTests {
    @Test(arguments: [
        ("198.51.100.4:9333", "198.51.100.4", 9333), ("seed.example.org:1", "seed.example.org", 1),
        ("Seed.Example.ORG:65535", "seed.example.org", 65535), ("localhost:09333", "localhost", 9333),
        ("my_host-1:80", "my_host-1", 80), ("[::1]:9333", "::1", 9333),
        ("[2001:DB8:0:0:0:0:0:1]:9333", "2001:db8::1", 9333), ("[::ffff:1.2.3.4]:9333", "::ffff:1.2.3.4", 9333),
        ("198.51.100.4", "198.51.100.4", nil), ("2001:db8::1", "2001:db8::1", nil), ("[2001:db8::1]", "2001:db8::1", nil),
    ] as [(String, String, Int?)])
    func parsesHostsAndPorts(text: String, host: String, port: Int?) throws {
        let address = try PeerAddress(text)
        #expect(address.host == host)
        #expect(address.port == port)
    }

    @Test(arguments: [
        "", ":9333", "host:", "host:0", "host:65536", "host:123456", "host:-1", "host:+1", "host: 1", "host:٣",
        "1.2.3.256:1", "1.2.3:1", "01.2.3.4:1", "[1.2.3.4]:1", "[::1]x", "[::1", "::g", "1:2:3", "fe80::1%eth0",
        "a b:1", "a/b:1", "ünï:1", "\u{0}:1", String(repeating: "a", count: 256),
    ])
    func refusesMalformedAddresses(text: String) {
        #expect(throws: InvalidRequest.self) { try PeerAddress(text) }
        do {
            _ = try PeerAddress(text)
        } catch {
            #expect(error.code == "invalid-peer-address")
        }
    }

    @Test(arguments: ["198.51.100.4:9333", "seed.example.org:1", "[::1]:9333", "[2001:db8::1]:9333", "a.b-c_d:65535"])
    func peerEndpointParsesWhatTheAPIAccepts(text: String) throws {
        let address = try PeerAddress(text)
        let endpoint = try #require(PeerEndpoint(text))
        #expect(endpoint.host.lowercased() == address.host)
        #expect(endpoint.port == address.port)
        #expect(address.description == endpoint.description)
    }
}
