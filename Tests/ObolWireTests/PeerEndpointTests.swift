import ObolWire
import Testing

@Suite(.timeLimit(.minutes(1)))
struct PeerEndpointTests {
    @Test(arguments: [
        ("127.0.0.2:9333", "127.0.0.2", 9333),
        ("[::1]:19333", "::1", 19333),
        ("node.example:1", "node.example", 1),
    ])
    func parsesHostAndPort(text: String, host: String, port: Int) throws {
        let endpoint = try #require(PeerEndpoint(text))
        #expect(endpoint.host == host && endpoint.port == port)
        #expect(PeerEndpoint(endpoint.description) == endpoint)
    }

    @Test(arguments: ["", ":9333", "127.0.0.2", "127.0.0.2:0", "127.0.0.2:65536", "127.0.0.2:x", "::1:9333",
                      "[::1]", "[::1]9333", "a b:1", "127.0.0.2:-1", "127.0.0.2:+80"])
    func refusesMalformed(text: String) {
        #expect(PeerEndpoint(text) == nil)
    }

    /// Found by the FuzzAPIRequests target: "[[]:2" parsed to the host "[", which printed as "[:2" and did not
    /// parse back, so a tracker could list an address no node could read.
    @Test(arguments: ["[[]:2", "[a[]:9333", "a]b:9333", "[]]:9333", "[[::1]]:9333"])
    func refusesBracketsInsideTheHost(text: String) {
        #expect(PeerEndpoint(text) == nil)
    }

    @Test(arguments: ["127.0.0.2:9333", "[::1]:19333", "[node.example]:1", "Node.Example:65535", "[::ffff:1.2.3.4]:80",
                      "a_b-c:7", "1.2.3:4", "%:5", "[%:]:5"])
    func printsToTextThatParsesBack(text: String) throws {
        let endpoint = try #require(PeerEndpoint(text))
        #expect(PeerEndpoint(endpoint.description) == endpoint)
    }

    @Test func aBareHostTakesTheDefaultPort() {
        #expect(PeerEndpoint("127.0.0.7", defaultPort: 9333) == PeerEndpoint(host: "127.0.0.7", port: 9333))
        #expect(PeerEndpoint("[::1]", defaultPort: 9333) == PeerEndpoint(host: "::1", port: 9333))
    }

    @Test func gossipsOnlyIPv4AndGroupsBySixteen() throws {
        let endpoint = PeerEndpoint(host: "10.20.30.40", port: 9333)
        let address = try #require(endpoint.networkAddress)
        #expect(address == .ipv4(10, 20, 30, 40, port: 9333))
        #expect(PeerEndpoint(address) == endpoint)
        #expect(endpoint.group == "10.20")
        #expect(PeerEndpoint(host: "node.example", port: 1).networkAddress == nil)
        #expect(PeerEndpoint(host: "300.1.1.1", port: 1).networkAddress == nil)
    }

    @Test func theUnspecifiedAddressIsRecognisedInEverySpelling() {
        #expect(PeerEndpoint(host: "0.0.0.0", port: 9333).isUnspecified)
        #expect(PeerEndpoint(host: "::", port: 9333).isUnspecified)
        #expect(PeerEndpoint(host: "0:0:0:0:0:0:0:0", port: 9333).isUnspecified)
        #expect(!PeerEndpoint(host: "127.0.0.1", port: 9333).isUnspecified)
        #expect(!PeerEndpoint(host: "::1", port: 9333).isUnspecified)
        #expect(!PeerEndpoint(host: "node.example", port: 9333).isUnspecified)
    }
}
