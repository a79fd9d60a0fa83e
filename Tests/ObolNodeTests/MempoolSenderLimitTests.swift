import ObolCore
import ObolTestSupport
import Testing

@testable import ObolNode

@Suite(.timeLimit(.minutes(1)))
struct MempoolSenderLimitTests {
    typealias F = MempoolFixture
    let key = PrivateKey.generate()
    let other = PrivateKey.generate()

    @Test func defaultCapIsBitcoinCoresAncestorLimit() {
        #expect(MempoolConfig().maxPerSender == 25)
    }

    @Test func senderCannotHoldMoreThanTheCap() throws {
        var pool = F.pool(MempoolConfig(maxPerSender: 3))
        for nonce in 0..<3 { try F.admit(F.transfer(key, nonce: UInt64(nonce)), to: &pool) }
        let fourth = F.transfer(key, nonce: 3)
        #expect(F.rejection(fourth, by: &pool) == .tooManyPending(limit: 3))
        #expect(MempoolRejection.tooManyPending(limit: 3).code == "too-many-pending")
        // Other senders are not affected, and a replacement at the cap is not an addition.
        try F.admit(F.transfer(other, nonce: 0), to: &pool)
        try F.admit(F.transfer(key, nonce: 2, fee: 10 * F.minimumFee), to: &pool)
        #expect(pool.pending(from: key.publicKey.address).count == 3)
    }

    @Test func confirmedTransfersMakeRoomAgain() throws {
        var pool = F.pool(MempoolConfig(maxPerSender: 2))
        let chain = (0..<3).map { F.transfer(key, nonce: UInt64($0)) }
        try F.admit(chain[0], to: &pool)
        try F.admit(chain[1], to: &pool)
        #expect(F.rejection(chain[2], by: &pool) == .tooManyPending(limit: 2))
        _ = pool.blockConnected(F.block(height: 1, [chain[0]]))
        try F.admit(chain[2], to: &pool, account: Account(balance: F.rich.balance, nonce: 1))
        #expect(pool.pending(from: key.publicKey.address) == [chain[1], chain[2]])
    }

    @Test func stalePendingTransfersDoNotCountAgainstTheCap() throws {
        var pool = F.pool(MempoolConfig(maxPerSender: 2))
        let chain = (0..<3).map { F.transfer(key, nonce: UInt64($0)) }
        try F.admit(chain[0], to: &pool)
        try F.admit(chain[1], to: &pool)
        // The account shows nonce 1 used before the pool saw the block.
        try F.admit(chain[2], to: &pool, account: Account(balance: F.rich.balance, nonce: 1))
    }

    @Test func balanceCheckSumsTheLiveRunOfTheChain() throws {
        let fee = F.minimumFee
        var pool = F.pool(MempoolConfig(maxPerSender: 50))
        let cost = 1_000 + fee
        let account = Account(balance: 3 * cost, nonce: 0)
        for nonce in 0..<3 { try F.admit(F.transfer(key, nonce: UInt64(nonce)), to: &pool, account: account) }
        #expect(F.rejection(F.transfer(key, nonce: 3), by: &pool, account: account)
            == .insufficientBalance(balance: 3 * cost, needed: 4 * cost))
        // With nonce 1 confirmed (and its cost gone from the balance), two are live.
        let later = Account(balance: 3 * cost, nonce: 1)
        try F.admit(F.transfer(key, nonce: 3), to: &pool, account: later)
    }

    @Test func revalidationKeepsAtMostTheCap() async {
        let accounts = TestAccounts([key.publicKey.address: F.rich])
        let mempool = MempoolActor(params: F.params, accounts: accounts, config: MempoolConfig(maxPerSender: 2),
                                   clock: ManualClock(seconds: F.start))
        let chain = (0..<3).map { F.transfer(key, nonce: UInt64($0)) }
        // A disconnected block brings nonce 0 back under a chain of two.
        _ = await mempool.submit(chain[0])
        let block = F.block(height: 1, [chain[0]])
        await mempool.handle(.blockConnected(block, height: 1))
        accounts.set(key.publicKey.address, Account(balance: F.rich.balance, nonce: 1))
        await mempool.handle(.tipChanged(F.tip(block)))
        #expect(await mempool.submit(chain[1]) == .success(chain[1].id))
        #expect(await mempool.submit(chain[2]) == .success(chain[2].id))
        await mempool.handle(.blockDisconnected(block, height: 1))
        accounts.set(key.publicKey.address, F.rich)
        await mempool.handle(.tipChanged(F.tip(F.block(height: 0, []))))
        #expect(await mempool.pending(from: key.publicKey.address) == [chain[0], chain[1]])
    }
}
