import ObolCore
import ObolNode
import ObolTestSupport
import Testing

/// The mempool admits a transfer only if its sender may spend the coins in
/// the next block (tip height + 1): newly mined coins wait for maturity.
@Suite(.timeLimit(.minutes(1))) struct MempoolMaturityTests {
    typealias F = MempoolFixture
    static let params = ChainParams.test(coinbaseMaturity: 3)
    let key = PrivateKey.generate()
    let coin = ChainParams.coin
    let fee = F.minimumFee

    /// 50 coins minted at height 5: spendable from block 8.
    var miner: Account { Account(balance: 50 * coin, nonce: 0, locks: [MaturityLock(height: 5, amount: 50 * coin)]) }

    func pool(nextHeight: UInt64?) -> MempoolPool {
        var pool = MempoolPool(params: Self.params)
        pool.nextHeight = nextHeight
        return pool
    }

    func transfer(nonce: UInt64 = 0, amount: UInt64) -> Transfer {
        Transfer.signed(by: key, networkID: Self.params.networkID, to: F.recipient, amount: amount, fee: fee, nonce: nonce)
    }

    @Test func refusesSpendingCoinsBeforeTheyMatureAndSaysWhen() throws {
        var pool = pool(nextHeight: 7)
        let spend = transfer(amount: coin)
        let rejection = try #require(F.rejection(spend, by: &pool, account: miner))
        #expect(rejection == .invalid(.immatureCoinbaseSpend(spend.id, spendable: 0, needed: coin + fee, spendableFrom: 8)))
        #expect(rejection.code == "immature-coinbase-spend")
        #expect(rejection.description.contains("newly mined"))
        #expect(rejection.description.contains("spendable from block 8"))
        #expect(pool.count == 0)
    }

    @Test func admitsTheSameSpendOnceTheNextBlockMayTakeIt() throws {
        var pool = pool(nextHeight: 8)
        try F.admit(transfer(amount: coin), to: &pool, account: miner)
        #expect(pool.count == 1)
    }

    @Test func pendingTransfersCountAgainstTheSpendablePart() throws {
        var account = miner
        account.balance += 2 * coin  // 2 coins mature beside 50 immature
        var pool = pool(nextHeight: 6)
        try F.admit(transfer(nonce: 0, amount: coin), to: &pool, account: account)
        let second = transfer(nonce: 1, amount: coin)
        #expect(F.rejection(second, by: &pool, account: account)
            == .invalid(.immatureCoinbaseSpend(second.id, spendable: 2 * coin, needed: 2 * coin + 2 * fee,
                                               spendableFrom: 8)))
        // More than the whole balance is still insufficient balance.
        let huge = transfer(nonce: 1, amount: 60 * coin)
        #expect(F.rejection(huge, by: &pool, account: account)
            == .insufficientBalance(balance: 52 * coin, needed: 61 * coin + 2 * fee))
    }

    @Test func beforeAnyTipTheLocksThemselvesBoundTheHeight() {
        var pool = pool(nextHeight: nil)
        let spend = transfer(amount: coin)
        #expect(F.rejection(spend, by: &pool, account: miner)
            == .invalid(.immatureCoinbaseSpend(spend.id, spendable: 0, needed: coin + fee, spendableFrom: 8)))
    }

    @Test func theActorReckonsFromTheTipItHasSeen() async throws {
        let accounts = TestAccounts([key.publicKey.address: miner])
        let mempool = MempoolActor(params: Self.params, accounts: accounts, clock: MempoolTestClock(F.start))
        await mempool.handle(.tipChanged(F.tip(F.block(height: 6, []))))
        let early = transfer(amount: coin)
        #expect(await mempool.submit(early)
            == .failure(.invalid(.immatureCoinbaseSpend(early.id, spendable: 0, needed: coin + fee, spendableFrom: 8))))
        await mempool.handle(.tipChanged(F.tip(F.block(height: 7, []))))
        #expect(await mempool.submit(early) == .success(early.id))
    }

    @Test func aMoveToALowerTipDropsSpendsThatAreImmatureAgain() async throws {
        let accounts = TestAccounts([key.publicKey.address: miner])
        let mempool = MempoolActor(params: Self.params, accounts: accounts, clock: MempoolTestClock(F.start))
        await mempool.handle(.tipChanged(F.tip(F.block(height: 7, []))))
        let spend = transfer(amount: coin)
        #expect(await mempool.submit(spend) == .success(spend.id))
        // A reorg onto a shorter branch that touched no account of the sender.
        await mempool.handle(.tipChanged(F.tip(F.block(height: 6, []))))
        #expect(await mempool.template(maxCount: 10, maxBytes: 10_000).isEmpty)
    }
}

/// Accounts with a known next block height, as `ChainActor` provides them.
struct HeightKnowingAccounts: AccountProvider {
    let accounts: [Address: Account]
    let height: UInt64

    func account(_ address: Address) async -> Account { accounts[address] ?? .empty }
    func nextBlockHeight() async -> UInt64? { height }
}

extension MempoolMaturityTests {
    /// After a restart nobody has published a tip yet: the mempool asks the
    /// chain for its height when it starts following it.
    @Test func beforeTheFirstTipTheMempoolAsksTheChainForItsHeight() async throws {
        let accounts = HeightKnowingAccounts(accounts: [key.publicKey.address: miner], height: 20)
        let mempool = MempoolActor(params: Self.params, accounts: accounts, clock: MempoolTestClock(F.start))
        let spend = transfer(amount: coin)
        await mempool.run(events: AsyncStream { $0.finish() })
        #expect(await mempool.submit(spend) == .success(spend.id))
    }

    @Test func theChainActorReportsTheHeightAfterItsTip() async throws {
        var builder = ChainBuilder()
        try builder.mine(count: 3)
        let chain = try makeChain(builder)
        let results = await chain.submitAll(builder.blocks.dropFirst())
        #expect(results.last == .connected(height: 3, disconnected: 0), "\(results)")
        #expect(await chain.tip.height == 3)
        let next = await chain.nextBlockHeight()
        #expect(next == 4, "\(String(describing: next))")
        let provider: any AccountProvider = chain
        #expect(await provider.nextBlockHeight() == 4)
    }
}
