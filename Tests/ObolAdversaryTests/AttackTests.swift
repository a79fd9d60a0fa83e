import ObolAdversary
import ObolCore
import ObolNode
import ObolTestSupport
import ObolWire
import Testing

/// Each attack of `obol demo --attackers`, against a running network of three honest nodes: the lie is
/// refused, the sender discouraged when it broke a rule, no honest peer punished, and the honest nodes go on
/// to converge on the next block.
@Suite(.timeLimit(.minutes(1)))
struct AttackTests {
    static let host = AttackNetwork.attackHost

    /// The rule each attack breaks, as the node's drop reason names it.
    static func rule(_ attack: AttackKind) -> String? {
        switch attack {
        case .badSignature: "bad-signature"
        case .badProofOfWork: "pow-too-weak"
        case .badMerkleRoot: "bad-merkle-root"
        case .splicedBlock: "bad-height"
        case .replayedTransfer, .doubleSpend: "bad-nonce"
        case .lowWorkFork: nil
        }
    }

    @Test(arguments: AttackKind.allCases.filter(\.breaksARule))
    func anAttackThatBreaksARuleGetsItsSenderDiscouraged(_ attack: AttackKind) async throws {
        var net = try AttackNetwork()
        try await net.run {
            #expect(await net.attacker.notReady(for: attack) == nil)
            let report = await net.attacker.run(attack, from: Self.host, targets: net.targets)
            #expect(report.failure == nil)
            #expect(report.dropped, "\(report.sent)")
            let discouragement = try #require(await net.discouragement(of: Self.host, at: net.hub))
            #expect(discouragement.reason.contains(Self.rule(attack)!), "\(discouragement.reason)")
            let discouraged = await net.discouragedHosts()
            #expect(discouraged == [Self.host], "no honest peer punished: \(discouraged)")
            for node in net.everyNode { #expect(await node.node.chain.tip.hash == net.builder.tip.hash) }
            try await net.honestNodesConverge()
        }
    }

    /// The replayed transfer is refused on its own without punishment (honest peers relay a just-mined
    /// transfer in every race) and stays out of every mempool.
    @Test func aReplayedTransferStaysOutOfEveryMempool() async throws {
        var net = try AttackNetwork()
        try await net.run {
            let report = await net.attacker.run(.replayedTransfer, from: Self.host, targets: net.targets)
            let replayed = try #require(net.builder.blocks[12].transactions.compactMap(\.transfer).first)
            #expect(report.transfers == [replayed.id.description])
            try await net.honestNodesConverge()
            for node in net.everyNode { #expect(await node.node.mempool.transfer(replayed.id) == nil) }
        }
    }

    /// The two spends reach two nodes; each keeps the one it saw first and refuses the other without
    /// punishment. Once one is mined, the other leaves every mempool: the coins moved once.
    @Test func aDoubleSpendMovesTheCoinsOnce() async throws {
        var net = try AttackNetwork()
        try await net.run {
            let report = await net.attacker.run(.doubleSpend, from: Self.host, targets: net.targets)
            #expect(report.failure == nil)
            #expect(report.sent.count == 3)
            let ids = try report.transfers.map { try #require(Hash256(hex: $0)) }
            #expect(ids.count == 2)
            let atHub = try #require(await net.hub.node.mempool.transfer(ids[0]))
            #expect(await net.hub.node.mempool.transfer(ids[1]) == nil)
            try await net.honestNodesConverge(transfers: [atHub])
            for node in net.everyNode {
                await node.waitForMempoolToDrop(ids)
                for id in ids { #expect(await node.node.mempool.transfer(id) == nil) }
                let recipient = atHub.recipient
                #expect(await node.node.chain.account(recipient).balance == Attacker.doubleSpendAmount)
            }
            let discouraged = await net.discouragedHosts()
            #expect(discouraged == [Self.host], "\(discouraged); the block holding both: \(report.sent.last ?? "")")
        }
    }

    /// A chain from genesis five blocks longer than the honest one but with less work: every header is
    /// valid, so the node keeps it as a side branch without punishing anyone, and stays on the most work.
    @Test func aLongerForkWithLessWorkIsNotAdopted() async throws {
        var net = try AttackNetwork()
        try await net.run {
            #expect(await net.attacker.notReady(for: .lowWorkFork) == nil)
            let report = await net.attacker.run(.lowWorkFork, from: Self.host, targets: net.targets)
            #expect(report.failure == nil)
            #expect(!report.dropped)
            let forkTip = try #require(report.forkTip.flatMap(Hash256.init(hex:)))
            let entry = try #require(await net.hub.node.chain.entry(forkTip), "the hub stored the fork's headers")
            #expect(entry.height == net.builder.height + 5)
            #expect(await !net.hub.node.chain.isOnMainChain(forkTip))
            let discouraged = await net.discouragedHosts()
            #expect(discouraged.isEmpty, "\(discouraged)")
            for node in net.everyNode { #expect(await node.node.chain.tip.hash == net.builder.tip.hash) }
            try await net.honestNodesConverge()
        }
    }

    /// Against a chain with little work, a fork at the genesis difficulty could outweigh it: the attacker
    /// waits rather than reorganise the network legitimately.
    @Test func theForkWaitsForAnHonestChainWithMoreWork() async throws {
        let network = MemoryNetwork()
        let node = try NetworkNode(network: network, host: "127.0.0.2")
        let attacker = Attacker(params: .test, chain: node.node.chain, key: ChainBuilder.allocationKey,
                                clock: SystemClock()) { host in
            // A key of its own for every connection, as `obol attack` makes.
            network.transport(host: host, nodeID: (0..<32).map { _ in UInt8.random(in: 0...255) }, listening: false)
        }
        #expect(await attacker.notReady(for: .lowWorkFork) != nil)
        #expect(await attacker.notReady(for: .replayedTransfer) == "no transfer is mined yet")
        #expect(await attacker.notReady(for: .badSignature) == nil)
    }
}
