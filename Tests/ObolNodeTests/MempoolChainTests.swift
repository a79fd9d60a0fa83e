import ObolCore
import ObolTestSupport
import ObolNode
import Testing

@Suite(.timeLimit(.minutes(1))) struct MempoolChainTests {
    typealias F = MempoolFixture
    let a = PrivateKey.generate()
    let d = PrivateKey.generate()
    let e = PrivateKey.generate()
    let f = PrivateKey.generate()
    let fee = MempoolFixture.minimumFee

    @Test func blockConnectedRemovesConfirmedAndConflictingTransfers() throws {
        var pool = F.pool()
        let chain = (0..<3).map { F.transfer(a, nonce: $0) }
        let other = F.transfer(d, nonce: 0)
        for transfer in chain + [other] { try F.admit(transfer, to: &pool) }
        // The block confirms a0 and a different transfer with nonce 1.
        let conflicting = F.transfer(a, nonce: 1, amount: 77_777)
        let events = pool.blockConnected(F.block(height: 1, [chain[0], conflicting]))
        #expect(events.records == [.removed(chain[0].id, .confirmed), .removed(chain[1].id, .invalidated)])
        #expect(pool.pending(from: a.publicKey.address) == [chain[2]])
        #expect(pool.pending(from: d.publicKey.address) == [other])
        #expect(pool.pendingNonce(for: a.publicKey.address, account: Account(balance: 1, nonce: 2)) == 3)
    }

    @Test func tipChangedDropsWhatTheNewBalanceNoLongerCovers() async throws {
        let accounts = TestAccounts([d.publicKey.address: Account(balance: 100_000, nonce: 0)])
        let mempool = MempoolActor(params: F.params, accounts: accounts, clock: ManualClock())
        let events = mempool.subscribe(bufferingPolicy: .unbounded)
        let d0 = F.transfer(d, nonce: 0)
        let d1 = F.transfer(d, nonce: 1)
        #expect(await mempool.submit(d0) == .success(d0.id))
        #expect(await mempool.submit(d1) == .success(d1.id))

        // A conflicting transfer with nonce 0 spends almost everything.
        let spender = F.transfer(d, nonce: 0, amount: 98_000)
        let block = F.block(height: 1, [spender])
        accounts.set(d.publicKey.address, Account(balance: 100_000 - 98_000 - fee, nonce: 1))
        await mempool.run(events: Self.stream([.blockConnected(block, height: 1), .tipChanged(F.tip(block))]))

        #expect(await Self.drain(events) == [.accepted(d0.id), .accepted(d1.id),
                                             .removed(d0.id, .invalidated), .removed(d1.id, .invalidated)])
        #expect(await mempool.count == 0)
        #expect(await mempool.tip == F.tip(block))
    }

    @Test func reorgPutsBackStillValidTransfersAndDropsTheRest() async throws {
        let (aAddress, dAddress, eAddress, fAddress) = (a.publicKey.address, d.publicKey.address,
                                                        e.publicKey.address, f.publicKey.address)
        let accounts = TestAccounts([
            aAddress: F.rich,
            dAddress: Account(balance: 100_000, nonce: 0),
            eAddress: Account(balance: 50_000, nonce: 0),
        ])
        let clock = ManualClock()
        let mempool = MempoolActor(params: F.params, accounts: accounts, clock: clock)

        // Branch 1: one block with a0 (paying f), d0 and e0.
        let a0 = F.transfer(a, nonce: 0, amount: 10_000, to: fAddress)
        let d0 = F.transfer(d, nonce: 0)
        let e0 = F.transfer(e, nonce: 0)
        for transfer in [a0, d0, e0] { #expect(await mempool.submit(transfer) == .success(transfer.id)) }
        let block1 = F.block(height: 1, [a0, d0, e0])
        accounts.set(aAddress, Account(balance: F.rich.balance - 10_000 - fee, nonce: 1))
        accounts.set(dAddress, Account(balance: 100_000 - 1_000 - fee, nonce: 1))
        accounts.set(eAddress, Account(balance: 50_000 - 1_000 - fee, nonce: 1))
        accounts.set(fAddress, Account(balance: 10_000, nonce: 0))
        await mempool.handle(.blockConnected(block1, height: 1))
        await mempool.handle(.tipChanged(F.tip(block1)))
        #expect(await mempool.count == 0)

        // On top of it: a1, and f spending what a0 paid it.
        let a1 = F.transfer(a, nonce: 1)
        let f0 = F.transfer(f, nonce: 0, amount: 5_000)
        #expect(await mempool.submit(a1) == .success(a1.id))
        #expect(await mempool.submit(f0) == .success(f0.id))

        // Branch 2 wins with a block holding a conflicting d0. There e has no
        // coins (its funding is elsewhere) and f never got a0's payment.
        let events = mempool.subscribe(bufferingPolicy: .unbounded)
        let conflicting = F.transfer(d, nonce: 0, amount: 90_000)
        let block2 = F.block(height: 1, [conflicting])
        accounts.set(aAddress, F.rich)
        accounts.set(dAddress, Account(balance: 100_000 - 90_000 - fee, nonce: 1))
        accounts.set(eAddress, Account(balance: 0, nonce: 0))
        accounts.set(fAddress, .empty)
        await mempool.run(events: Self.stream([
            .blockDisconnected(block1, height: 1), .blockConnected(block2, height: 1), .tipChanged(F.tip(block2)),
        ]))

        #expect(await Self.drain(events) == [.removed(f0.id, .invalidated), .accepted(a0.id)])
        #expect(await mempool.pending(from: aAddress) == [a0, a1])
        #expect(await mempool.isKnownValid(a0.id))
        #expect(await mempool.transfer(d0.id) == nil)
        #expect(await mempool.transfer(e0.id) == nil)
        #expect(await mempool.pendingNonce(for: aAddress) == 2)
    }

    @Test func reorgCandidatesTheNewBranchConfirmsAreNotPutBack() throws {
        var pool = F.pool()
        let a0 = F.transfer(a, nonce: 0)
        let a1 = F.transfer(a, nonce: 1)
        let old = F.block(height: 1, [a0, a1])
        _ = pool.blockConnected(old)
        pool.blockDisconnected(old)
        #expect(pool.blockConnected(F.block(height: 1, [a0])).isEmpty)
        #expect(pool.addressesToRevalidate() == [a.publicKey.address])
        let events = pool.revalidate(accounts: [a.publicKey.address: Account(balance: F.rich.balance, nonce: 1)],
                                     now: F.start)
        #expect(events.records == [.accepted(a1.id)])
        #expect(pool.pending(from: a.publicKey.address) == [a1])
        #expect(pool.addressesToRevalidate().isEmpty)
    }

    @Test func transfersPutBackRespectTheLimits() throws {
        var pool = F.pool(MempoolConfig(maxCount: 2))
        let cheap = F.transfer(d, nonce: 0, fee: fee)
        try F.admit(cheap, to: &pool)
        try F.admit(F.transfer(e, nonce: 0, fee: fee * 5), to: &pool)
        let back = F.transfer(a, nonce: 0, fee: fee * 3)
        pool.blockDisconnected(F.block(height: 1, [back]))
        let events = pool.revalidate(accounts: [a.publicKey.address: F.rich], now: F.start)
        #expect(events.records == [.accepted(back.id), .removed(cheap.id, .evicted)])
        #expect(pool.count == 2)
    }

    static func stream(_ events: [ChainEvent]) -> AsyncStream<ChainEvent> {
        let (stream, continuation) = AsyncStream<ChainEvent>.makeStream(bufferingPolicy: .unbounded)
        for event in events { continuation.yield(event) }
        continuation.finish()
        return stream
    }

    /// Every event until the stream finishes (`run` finishes it on return).
    static func drain(_ stream: AsyncStream<MempoolEvent>) async -> [MempoolEventRecord] {
        var records: [MempoolEventRecord] = []
        for await event in stream { records.append(MempoolEventRecord(event)) }
        return records
    }
}
