import ObolCore
import ObolTestSupport
import ObolNode
import Testing

@Suite(.timeLimit(.minutes(1))) struct MempoolActorTests {
    typealias F = MempoolFixture
    let key = ChainParams.devnetAllocationKey
    let other = PrivateKey.generate()
    let fee = MempoolFixture.minimumFee

    func makeMempool(_ config: MempoolConfig = .init()) -> (MempoolActor, TestAccounts, ManualClock) {
        let accounts = TestAccounts([
            F.params.genesisAllocationAddress: Account(balance: F.params.genesisAllocationAmount, nonce: 0),
        ])
        let clock = ManualClock(F.start)
        return (MempoolActor(params: F.params, accounts: accounts, config: config, clock: clock), accounts, clock)
    }

    @Test func submitReportsAcceptanceOrTheReason() async {
        let (mempool, _, _) = makeMempool()
        let first = F.transfer(key, nonce: 0)
        #expect(await mempool.submit(first) == .success(first.id))
        #expect(await mempool.submit(first) == .failure(.duplicate))
        #expect(await mempool.submit(F.transfer(key, nonce: 5)) == .failure(.nonceGap(expected: 1, actual: 5)))
        #expect(await mempool.submit(F.transfer(other, nonce: 0))
            == .failure(.insufficientBalance(balance: 0, needed: 1_000 + fee)))
        let forged = F.transfer(key, nonce: 1).withSignature(first.signature)
        #expect(await mempool.submit(forged) == .failure(.invalid(.invalidSignature(forged.id))))
        #expect(await mempool.count == 1)
    }

    @Test func eventStreamEmitsAcceptedAndRemovedInOrder() async throws {
        let (mempool, accounts, _) = makeMempool()
        let events = mempool.subscribe(bufferingPolicy: .unbounded)
        let t0 = F.transfer(key, nonce: 0)
        let t1 = F.transfer(key, nonce: 1)
        let t1Replacement = F.transfer(key, nonce: 1, fee: fee * 2)
        for transfer in [t0, t1, t1Replacement] { _ = await mempool.submit(transfer) }
        let block = F.block(height: 1, [t0])
        accounts.set(key.publicKey.address, Account(balance: F.params.genesisAllocationAmount - 1_000 - fee, nonce: 1))
        await mempool.run(events: MempoolChainTests.stream([.blockConnected(block, height: 1),
                                                             .tipChanged(F.tip(block))]))
        #expect(await MempoolChainTests.drain(events) == [
            .accepted(t0.id), .accepted(t1.id), .removed(t1.id, .replaced), .accepted(t1Replacement.id),
            .removed(t0.id, .confirmed),
        ])
        #expect(await mempool.all() == [t1Replacement])
    }

    @Test func pendingNonceCountsPendingTransfers() async {
        let (mempool, accounts, _) = makeMempool()
        accounts.set(key.publicKey.address, Account(balance: F.params.genesisAllocationAmount, nonce: 3))
        #expect(await mempool.pendingNonce(for: key.publicKey.address) == 3)
        _ = await mempool.submit(F.transfer(key, nonce: 3))
        _ = await mempool.submit(F.transfer(key, nonce: 4))
        #expect(await mempool.pendingNonce(for: key.publicKey.address) == 5)
        #expect(await mempool.pendingNonce(for: other.publicKey.address) == 0)
    }

    @Test func queriesReflectThePool() async {
        let (mempool, accounts, _) = makeMempool()
        accounts.set(other.publicKey.address, F.rich)
        let low = F.transfer(key, nonce: 0, fee: fee)
        let high = F.transfer(other, nonce: 0, fee: fee * 4)
        _ = await mempool.submit(low)
        _ = await mempool.submit(high)
        #expect(await mempool.count == 2)
        #expect(await mempool.totalBytes == low.size + high.size)
        #expect(await mempool.transfer(high.id) == high)
        #expect(await mempool.all() == [high, low])
        #expect(await mempool.template(maxCount: 1, maxBytes: 10_000) == [high])
        #expect(await mempool.isKnownValid(low.id))
        #expect(await !mempool.isKnownValid(Hash256.zero))
    }

    @Test func expiresByTheInjectedClock() async {
        let (mempool, _, clock) = makeMempool(MempoolConfig(expiry: 600))
        let events = mempool.subscribe(bufferingPolicy: .unbounded)
        let old = F.transfer(key, nonce: 0)
        _ = await mempool.submit(old)
        clock.advance(by: 600)
        await mempool.expire()
        #expect(await mempool.count == 1)
        clock.advance(by: 1)
        await mempool.expire()
        #expect(await mempool.count == 0)
        await mempool.run(events: MempoolChainTests.stream([]))  // finishes the event stream
        #expect(await MempoolChainTests.drain(events) == [.accepted(old.id), .removed(old.id, .expired)])
    }

    @Test func runFinishesWhenTheChainStreamEnds() async {
        let (mempool, _, _) = makeMempool()
        let events = mempool.subscribe(bufferingPolicy: .unbounded)
        await mempool.run(events: MempoolChainTests.stream([]))
        #expect(await MempoolChainTests.drain(events).isEmpty)
    }

    @Test func accountReadOverlappingABlockIsReadAgain() async {
        let t0 = F.transfer(key, nonce: 0)
        let block = F.block(height: 1, [t0])
        let accounts = MempoolRacingAccounts(before: F.rich, after: Account(balance: F.rich.balance, nonce: 1))
        let mempool = MempoolActor(params: F.params, accounts: accounts, clock: ManualClock())
        // While the first read is under way, the block confirming t0 is handled.
        await accounts.interruptFirstRead {
            await mempool.handle(.blockConnected(block, height: 1))
            await mempool.handle(.tipChanged(F.tip(block)))
        }
        #expect(await mempool.submit(t0) == .failure(.nonceTooLow(expected: 1, actual: 0)))
        #expect(await mempool.count == 0)
    }

    @Test func reportsKnownValidIDsOfABlockInOneCall() async {
        let (mempool, _, _) = makeMempool()
        let pending = F.transfer(key, nonce: 0)
        _ = await mempool.submit(pending)
        let unknown = F.transfer(key, nonce: 1)
        #expect(await mempool.knownValid([pending.id, unknown.id]) == [pending.id])
    }
}

/// Returns a stale account from its first read, after running `interrupt`
/// (chain events) in the middle of it; later reads return `after`.
actor MempoolRacingAccounts: AccountProvider {
    private let before: Account
    private let after: Account
    private var interrupt: (@Sendable () async -> Void)?

    init(before: Account, after: Account) {
        self.before = before
        self.after = after
    }

    func interruptFirstRead(with interrupt: @escaping @Sendable () async -> Void) {
        self.interrupt = interrupt
    }

    func account(_ address: Address) async -> Account {
        guard let interrupt else { return after }
        self.interrupt = nil
        let stale = before
        await interrupt()
        return stale
    }
}
