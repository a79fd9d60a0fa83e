import ObolCore
import ObolNode
import ObolTestSupport
import ObolWire
import Testing

/// The Python design's other attacks, over TCP and Noise against a running pair (`AttackScenario`): a block
/// spliced into the middle of the chain, and a double spend. The replay of a mined transfer is
/// `HonestPeerTests.relayingATransferWhoseNonceWasJustMinedIsNotPunished`: refused, and not punished, because
/// honest peers send one in every race.
@Suite(.timeLimit(.minutes(1)))
struct AdversarialChainTests {
    static let attacker = AttackScenario.attackerHost

    /// A block mined on a block in the middle of the chain that claims the next height after the tip, as if
    /// it could be slotted in between: refused for its height (`bad-height`), the attacker discouraged.
    @Test func aBlockSplicedIntoTheMiddleOfTheChainGetsTheAttackerDiscouraged() async throws {
        var chain = ChainBuilder()
        try chain.mine(count: 5)
        let middle = chain.block(at: 2)
        var spliced = chain.makeBlock()
        spliced.header.previousHash = middle.hash
        spliced = ChainBuilder.remine(spliced)
        try await AttackScenario.run(chain: chain) { scenario in
            let drop = try await scenario.attack { peer in try await peer.send(.block(spliced)) }
            #expect(drop.discouraged)
            #expect(drop.reason.contains("bad-height"), "\(drop.reason)")
            #expect(await scenario.a.peers.isDiscouraged(Self.attacker))
            let listed = await scenario.a.peers.discouragements()
            #expect(listed.map(\.host) == [Self.attacker])
            #expect(listed.first?.reason == drop.reason)
            #expect(await scenario.a.node.chain.tip.hash == chain.tip.hash)
            #expect(await scenario.a.node.chain.entry(spliced.hash) == nil)
        }
    }

    /// The attacker relays a transfer, then another one of the same sender and nonce to someone else. The
    /// first waits in the mempool, the second is refused (it does not pay more), and neither is a fault: two
    /// wallets holding one key do this honestly. When a block mines the second spend instead, the first leaves
    /// the mempool and only the second recipient is paid.
    @Test func aDoubleSpendIsMinedOnceAndTheOtherSpendDropped() async throws {
        var chain = ChainBuilder()
        try chain.mine(count: 2)
        let carol = ChainBuilder.testAddress(5), dave = ChainBuilder.testAddress(6)
        let first = chain.transfer(to: carol, amount: 3 * ChainParams.coin)
        let second = chain.transfer(to: dave, amount: 3 * ChainParams.coin, nonce: first.nonce)
        try await AttackScenario.run(chain: chain) { scenario in
            let a = scenario.a
            let drop = try await scenario.visit(from: Self.attacker) { peer in
                for transfer in [first, second] {
                    try await peer.send(.inv([.transfer(transfer)]))
                    _ = try await peer.receive("getdata") { message -> [InventoryItem]? in
                        if case let .getdata(items) = message { items } else { nil }
                    }
                    try await peer.send(.tx(transfer))
                    try await peer.roundTrip()
                }
            }
            #expect(!drop.discouraged, "\(drop.reason)")
            #expect(await a.node.mempool.transfer(first.id) != nil)
            #expect(await a.node.mempool.transfer(second.id) == nil)
            // The other spend is mined (at b): a follows, and the first spend leaves its mempool.
            let block = try scenario.builder.mine(transfers: [second])
            #expect(await scenario.b.node.submit(block) == .connected(height: block.height, disconnected: 0))
            #expect(await a.waitForTip(block.hash))
            #expect(await a.node.mempool.transfer(first.id) == nil)
            #expect(await a.node.chain.account(dave).balance == 3 * ChainParams.coin)
            #expect(await a.node.chain.account(carol).balance == 0)
        }
    }
}
