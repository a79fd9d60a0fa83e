import ObolCore
import ObolNode
import ObolTestSupport
import ObolWire
import Testing

/// What honest peers do that looks wrong and must not be punished: relaying a transfer the chain has just
/// confirmed, and belonging to another network.
@Suite(.timeLimit(.minutes(1)))
struct HonestPeerTests {
    /// An honest peer on 127.0.0.4 whose mempool still held a transfer that `a` has just seen mined announces it
    /// and, asked for it, sends it. The mempool refuses it (`nonceTooLow`: a race, not the peer's fault): the
    /// peer stays connected and is not discouraged.
    @Test func relayingATransferWhoseNonceWasJustMinedIsNotPunished() async throws {
        var chain = ChainBuilder()
        try chain.mine(count: 2)
        let transfer = chain.transfer(to: ChainBuilder.testAddress(4), amount: ChainParams.coin)
        try chain.mine(transfers: [transfer])
        let relayer = "127.0.0.4"
        try await AttackScenario.run(chain: chain) { scenario in
            let a = scenario.a
            let drop = try await scenario.visit(from: relayer) { peer in
                try await peer.send(.inv([.transfer(transfer)]))
                let asked = try await peer.receive("getdata") { message -> [InventoryItem]? in
                    if case let .getdata(items) = message { items } else { nil }
                }
                #expect(asked == [.transfer(transfer)])
                try await peer.send(.tx(transfer))
                try await peer.roundTrip()  // the transfer has been through the mempool
                #expect(await a.peers.peers().contains { $0.address.host == relayer && $0.established },
                        "still connected after relaying it")
            }
            #expect(!drop.discouraged, "\(drop.reason)")
            #expect(await !a.peers.isDiscouraged(relayer))
            #expect(await a.node.mempool.transfer(transfer.id) == nil)
            // What the mempool made of it.
            let nonce = transfer.nonce
            #expect(await a.node.submit(transfer) == .failure(.nonceTooLow(expected: nonce + 1, actual: nonce)))
        }
    }

    /// Two nodes of another network (another magic, so another Noise prologue) connect to each other but not to
    /// ours, in either direction: the handshake fails at message 2, and nobody is banned or discouraged. The
    /// addresses involved are then admitted when they speak our network.
    @Test func aNodeOfAnotherNetworkFailsTheHandshakeWithoutBanOrDiscouragement() async throws {
        var otherNetwork = ChainParams.test
        otherNetwork.magic ^= 1
        let a = try await TCPTestNode(host: "127.0.0.2")
        let b = try await TCPTestNode(host: "127.0.0.3", staticPeers: [a.endpoint])
        let foreign = try await TCPTestNode(host: "127.0.0.5", params: otherNetwork)
        let foreignPeer = try await TCPTestNode(host: "127.0.0.6", params: otherNetwork, staticPeers: [foreign.endpoint])
        try await withRunning([a, b, foreign, foreignPeer]) {
            // Every peer layer is running once each pair has connected.
            let bAtA = try #require(await a.waitForPeer(b))
            _ = try #require(await foreignPeer.waitForPeer(foreign))

            let outbound = await #expect(throws: PeerConnectError.self) { try await a.peers.connect(to: foreign.endpoint) }
            #expect(outbound?.code == .unreachable)
            let inbound = await #expect(throws: PeerConnectError.self) {
                try await foreignPeer.peers.connect(to: a.endpoint)
            }
            #expect(inbound?.code == .unreachable)
            // A scripted peer of the other network, from the foreign node's own address.
            await #expect(throws: NoiseError.decryptionFailed) {
                try await ScriptedPeer.connect(from: foreign.host, to: a.endpoint, params: otherNetwork) { _ in }
            }

            // Dialled connections leave from 127.0.0.1; the scripted one came from 127.0.0.5.
            for host in ["127.0.0.1", foreign.host, foreignPeer.host] {
                #expect(await !a.peers.isDiscouraged(host))
            }
            for node in [foreign, foreignPeer] {
                for host in ["127.0.0.1", a.host] { #expect(await !node.peers.isDiscouraged(host)) }
            }
            for node in [a, b, foreign, foreignPeer] { #expect(await node.peers.bans().isEmpty) }
            #expect(await a.peers.peers().map(\.id) == [bAtA.id])
            #expect(await foreign.peers.peers().map(\.nodeID) == [foreignPeer.nodeID])

            // The foreign node's address, speaking our network, is welcome (and b, dialling from 127.0.0.1 like
            // the foreign nodes, kept its connection).
            try await ScriptedPeer.connect(from: foreign.host, to: a.endpoint) { peer in
                try await peer.exchangeVersions()
                try await peer.roundTrip()
            }
            #expect(await a.peers.peers().contains { $0.id == bAtA.id && $0.established })
        }
    }
}
