import ObolCore
import ObolTestSupport
import Synchronization
import Testing

@testable import ObolNode

/// The mempool follows the chain through a buffered stream, so when it handles
/// a `tipChanged` the chain may already be several events further. Accounts
/// read then are not the state at that tip, and must not be used to rebuild
/// the pending transfers.
@Suite(.timeLimit(.minutes(1))) struct MempoolLaggingChainTests {
    let bob = PrivateKey.generate().publicKey.address
    let sender = ChainBuilder.allocationKey.publicKey.address

    /// A chain where the allocation key has used nonces 0...2, and its
    /// transfers with nonces 3 and 4.
    func setUp() throws -> (builder: ChainBuilder, t3: Transfer, t4: Transfer) {
        var builder = ChainBuilder()
        for _ in 0..<3 { builder.addTransfer(to: bob, amount: ChainParams.coin) }
        try builder.mine()
        let t3 = builder.transfer(to: bob, amount: 2 * ChainParams.coin, nonce: 3)
        let t4 = builder.transfer(to: bob, amount: 3 * ChainParams.coin, nonce: 4)
        return (builder, t3, t4)
    }

    /// The chain's events published so far, up to the `tipChanged` to `tip`.
    func events(_ iterator: inout AsyncStream<ChainEvent>.Iterator, until tip: Hash256) async -> [ChainEvent] {
        var events: [ChainEvent] = []
        while let event = await iterator.next() {
            events.append(event)
            if case let .tipChanged(t) = event, t.hash == tip { break }
        }
        return events
    }

    /// Submits `t3` and `t4` to a fresh mempool over `chain`, lets `advance`
    /// move the chain, then has the mempool handle all the chain's events in
    /// one go while the chain stays at its final tip. Returns the mempool and
    /// every event it published.
    func lagBehind(_ chain: ChainActor, pending: [Transfer], until tip: Hash256,
                   advance: () async -> Void) async -> (MempoolActor, [MempoolEventRecord]) {
        let mempool = MempoolActor(params: chain.params, accounts: chain, clock: FixedClock())
        let published = mempool.subscribe(bufferingPolicy: .unbounded)
        var chainEvents = chain.events.subscribe(bufferingPolicy: .unbounded).makeAsyncIterator()
        for transfer in pending { #expect(await mempool.submit(transfer) == .success(transfer.id)) }
        await advance()
        let backlog = await events(&chainEvents, until: tip)
        #expect(await chain.tip.hash == tip)
        await mempool.run(events: MempoolChainTests.stream(backlog))
        return (mempool, await MempoolChainTests.drain(published))
    }

    @Test func keepsALaterTransferWhenABlockAndItsReorgArriveBeforeTheMempoolCatchesUp() async throws {
        let (base, t3, t4) = try setUp()
        var main = base
        var fork = base.forked(at: base.height, coinbaseData: [9])
        try main.mine(transfers: [t3])  // B confirms t3
        try fork.mine(count: 2)  // B' is heavier and confirms nothing of the sender's
        let chain = try makeChain(base)
        _ = await chain.submitAll(base.blocks.dropFirst())

        let (mempool, records) = await lagBehind(chain, pending: [t3, t4], until: fork.tip.hash) {
            #expect(await chain.submit(main.tip) == .connected(height: main.height, disconnected: 0))
            #expect(await chain.submitAll(fork.blocks.suffix(2))
                == [.sideBranch(height: base.height + 1), .connected(height: fork.height, disconnected: 1)])
        }
        #expect(await mempool.pending(from: sender) == [t3, t4], "t4 is still valid at the new tip")
        #expect(!records.contains(.removed(t4.id, .invalidated)), "subscribers must not hear t4 is invalid")
        #expect(records == [.accepted(t3.id), .accepted(t4.id), .removed(t3.id, .confirmed), .accepted(t3.id)])
        #expect(await mempool.template(maxCount: 10, maxBytes: 100_000).map(\.id) == [t3.id, t4.id])
    }

    @Test func reportsATransferConfirmedWhenTheChainIsAheadByTheBlockConfirmingIt() async throws {
        let (base, t3, t4) = try setUp()
        var main = base
        try main.mine(transfers: [t3])
        try main.mine(transfers: [t4])
        let chain = try makeChain(base)
        _ = await chain.submitAll(base.blocks.dropFirst())

        let (mempool, records) = await lagBehind(chain, pending: [t3, t4], until: main.tip.hash) {
            #expect(await chain.submitAll(main.blocks.suffix(2))
                == [.connected(height: base.height + 1, disconnected: 0),
                    .connected(height: main.height, disconnected: 0)])
        }
        #expect(records == [.accepted(t3.id), .accepted(t4.id), .removed(t3.id, .confirmed),
                            .removed(t4.id, .confirmed)])
        #expect(await mempool.count == 0)
    }

    @Test func revalidatesDeferredSendersAtTheNextTipTheAccountsMatch() async {
        typealias F = MempoolFixture
        let key = PrivateKey.generate()
        let address = key.publicKey.address
        let accounts = TestAccounts([address: Account(balance: 100_000, nonce: 0)], tip: .zero)
        let mempool = MempoolActor(params: F.params, accounts: accounts, clock: ManualClock())
        let (d0, d1) = (F.transfer(key, nonce: 0), F.transfer(key, nonce: 1))
        #expect(await mempool.submit(d0) == .success(d0.id))
        #expect(await mempool.submit(d1) == .success(d1.id))

        // The chain is already at block2, past block1 (which confirms d0); at
        // block2 the sender no longer covers d1.
        let block1 = F.block(height: 1, [d0])
        let block2 = F.block(height: 2, [])
        accounts.set(tip: block2.hash, address, Account(balance: 500, nonce: 1))
        await mempool.handle(.blockConnected(block1, height: 1))
        await mempool.handle(.tipChanged(F.tip(block1)))
        #expect(await mempool.pending(from: address) == [d1], "not rebuilt at block1 from block2's state")
        #expect(await mempool.tip == F.tip(block1))

        // block2 does not touch the sender: only the deferred revalidation drops d1.
        await mempool.handle(.blockConnected(block2, height: 2))
        await mempool.handle(.tipChanged(F.tip(block2)))
        #expect(await mempool.pending(from: address) == [])
        #expect(await mempool.count == 0)
    }

    @Test func stillExpiresOldTransfersWhenTheAccountsAreAhead() async {
        typealias F = MempoolFixture
        let key = PrivateKey.generate()
        let address = key.publicKey.address
        let accounts = TestAccounts([address: F.rich], tip: .zero)
        let clock = ManualClock()
        let mempool = MempoolActor(params: F.params, accounts: accounts, config: MempoolConfig(expiry: 60), clock: clock)
        let published = mempool.subscribe(bufferingPolicy: .unbounded)
        let (d0, d1) = (F.transfer(key, nonce: 0), F.transfer(key, nonce: 1))
        #expect(await mempool.submit(d0) == .success(d0.id))
        #expect(await mempool.submit(d1) == .success(d1.id))
        let block1 = F.block(height: 1, [d0])
        accounts.set(tip: F.block(height: 2, []).hash, address, Account(balance: F.rich.balance, nonce: 1))
        clock.advance(by: 61)
        await mempool.run(events: MempoolChainTests.stream([.blockConnected(block1, height: 1),
                                                            .tipChanged(F.tip(block1))]))
        #expect(await MempoolChainTests.drain(published)
            == [.accepted(d0.id), .accepted(d1.id), .removed(d0.id, .confirmed), .removed(d1.id, .expired)])
        #expect(await mempool.count == 0)
    }
}
