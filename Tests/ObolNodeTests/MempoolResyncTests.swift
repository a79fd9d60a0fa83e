import ObolCore
import ObolTestSupport
import Testing

@testable import ObolNode

/// The mempool's chain subscription is bounded: when it drops events, the
/// mempool learns of the gap and rebuilds every sender at the next tip.
@Suite(.timeLimit(.minutes(1)))
struct MempoolResyncTests {
    typealias F = MempoolFixture
    let key = PrivateKey.generate()
    var address: Address { key.publicKey.address }

    /// Three pending transfers; then block 1 confirms the first two, but a
    /// one-event buffer keeps only the `tipChanged` of that burst.
    func afterAGap(countingDrops: Bool) async -> (MempoolActor, [Transfer], Block) {
        let accounts = TestAccounts([address: F.rich])
        let mempool = MempoolActor(params: F.params, accounts: accounts, clock: ManualClock())
        let transfers = (0..<3).map { F.transfer(key, nonce: UInt64($0)) }
        for transfer in transfers { _ = await mempool.submit(transfer) }
        let hub = EventHub<ChainEvent>()
        let (events, drops) = hub.subscribeCountingDrops(bufferingPolicy: .bufferingNewest(1))
        let block = F.block(height: 1, Array(transfers.prefix(2)))
        accounts.set(tip: block.hash, address, Account(balance: F.rich.balance, nonce: 2))
        hub.publish(.blockConnected(block, height: 1))
        hub.publish(.tipChanged(F.tip(block)))
        hub.finish()
        #expect(drops.total == 1)
        await mempool.run(events: events, drops: countingDrops ? drops : nil)
        return (mempool, transfers, block)
    }

    @Test func missedEventsMakeTheMempoolRebuildEverySenderAtTheNextTip() async {
        let (mempool, transfers, block) = await afterAGap(countingDrops: true)
        #expect(await mempool.resynchronizations == 1)
        #expect(await mempool.pending(from: address) == [transfers[2]])
        #expect(await mempool.tip?.hash == block.hash)
    }

    @Test func withoutTheGapReportConfirmedTransfersWouldLinger() async {
        let (mempool, transfers, _) = await afterAGap(countingDrops: false)
        #expect(await mempool.resynchronizations == 0)
        #expect(await mempool.pending(from: address) == transfers)
    }

    @Test func nodeGivesTheMempoolABoundedSubscription() throws {
        let config = MempoolConfig(chainEventBuffer: 3)
        let node = try Node(configuration: NodeConfiguration(params: .test, mempool: config), store: MemoryChainStore())
        // Mempool, miner-less node: the mempool's feed and the log's feed.
        #expect(node.chain.events.subscriberCount == 2)
        #expect(node.configuration.mempool.chainEventBuffer == 3)
    }
}
