import ObolCore
import ObolTestSupport
import Testing

/// Coinbase maturity: coins minted at height m are spendable by a block at
/// height h only when h − m ≥ `coinbaseMaturity`. Each rejected block passes
/// every stage but connect.
@Suite(.timeLimit(.minutes(1))) struct CoinbaseMaturityTests {
    static let maturity: UInt64 = 3
    let miner = ChainBuilder.minerKey
    let bob = ChainBuilder.testAddress(2)
    let fee = ChainParams.test.minimumFee
    let reward = ChainParams.test.reward(at: 1)

    /// Block 1 pays `miner` its coinbase; later blocks pay someone else. The
    /// chain then stops before the block at `nextHeight`.
    func chainWithOneCoinbase(nextHeight: UInt64) throws -> ChainBuilder {
        var chain = ChainBuilder(coinbaseMaturity: Self.maturity)
        try chain.mine(transfers: [], miner: miner.publicKey.address)
        try chain.mine(untilNextHeight: nextHeight)
        return chain
    }

    @Test func spendingACoinbaseOneBlockBeforeMaturityIsRefused() throws {
        let chain = try chainWithOneCoinbase(nextHeight: 1 + Self.maturity - 1)
        let spend = chain.transfer(from: miner, to: bob, amount: reward - fee)
        expectRejection(chain.makeBlock(transfers: [spend]),
                        by: .immatureCoinbaseSpend(spend.id, spendable: 0, needed: reward, spendableFrom: 1 + Self.maturity),
                        at: .connect, in: chain)
    }

    @Test func spendingACoinbaseExactlyAtMaturityIsAccepted() throws {
        var chain = try chainWithOneCoinbase(nextHeight: 1 + Self.maturity)
        #expect(chain.nextHeight - 1 == Self.maturity)  // h − m == maturity
        let spend = chain.transfer(from: miner, to: bob, amount: reward - fee)
        try chain.mine(transfers: [spend], miner: bob)
        #expect(chain.state[miner.publicKey.address] == Account(balance: 0, nonce: 1))
        #expect(chain.state[bob].balance == reward - fee + chain.params.reward(at: 4) + fee)
    }

    @Test func aCoinbaseCannotBeSpentInItsOwnBlockOrTheNext() throws {
        var chain = ChainBuilder(coinbaseMaturity: 1)
        try chain.mine(transfers: [], miner: miner.publicKey.address)
        let spend = chain.transfer(from: miner, to: bob, amount: reward - fee)
        // Maturity 1: block 2 may spend block 1's coinbase.
        expectAccepted(chain.makeBlock(transfers: [spend]), in: chain)
        // Maturity 3: block 2 may not, and says from which block it may.
        let strict = try chainWithOneCoinbase(nextHeight: 2)
        expectRejection(strict.makeBlock(transfers: [spend]),
                        by: .immatureCoinbaseSpend(spend.id, spendable: 0, needed: reward, spendableFrom: 4),
                        at: .connect, in: strict)
    }

    @Test func matureCoinsBesideImmatureOnesCanBeSpentButNoMore() throws {
        var chain = ChainBuilder(coinbaseMaturity: Self.maturity)
        let address = miner.publicKey.address
        chain.addTransfer(to: address, amount: 10 * ChainParams.coin)
        try chain.mine(miner: address)  // 10 coins mature at once, the coinbase not
        let all = chain.transfer(from: miner, to: bob, amount: 10 * ChainParams.coin - fee)
        expectAccepted(chain.makeBlock(transfers: [all]), in: chain)
        let oneMore = chain.transfer(from: miner, to: bob, amount: 10 * ChainParams.coin - fee + 1)
        expectRejection(chain.makeBlock(transfers: [oneMore]),
                        by: .immatureCoinbaseSpend(oneMore.id, spendable: 10 * ChainParams.coin,
                                                   needed: 10 * ChainParams.coin + 1, spendableFrom: 1 + Self.maturity),
                        at: .connect, in: chain)
    }

    @Test func moreThanTheBalanceIsStillInsufficientBalance() throws {
        let chain = try chainWithOneCoinbase(nextHeight: 2)
        let spend = chain.transfer(from: miner, to: bob, amount: reward)
        expectRejection(chain.makeBlock(transfers: [spend]),
                        by: .insufficientBalance(spend.id, balance: reward, needed: reward + fee), at: .connect, in: chain)
    }

    @Test func theGenesisAllocationIsSpendableAtOnce() throws {
        var chain = ChainBuilder(coinbaseMaturity: Self.maturity)
        chain.addTransfer(to: bob, amount: 1_000 * ChainParams.coin)
        try chain.mine()
        #expect(chain.state[bob].balance == 1_000 * ChainParams.coin)
    }

    @Test func aCoinbaseLocksItsAmountUntilItMatures() throws {
        var chain = ChainBuilder(coinbaseMaturity: Self.maturity)
        let address = miner.publicKey.address
        try chain.mine(transfers: [], miner: address)
        #expect(chain.state[address].locks == [MaturityLock(height: 1, amount: reward)])
        #expect(chain.state[address].spendable(atHeight: 3, maturity: Self.maturity) == 0)
        #expect(chain.state[address].spendable(atHeight: 4, maturity: Self.maturity) == reward)
        // Writing the account at height 4 (another coinbase) drops the matured lock.
        try chain.mine(untilNextHeight: 4)
        try chain.mine(transfers: [], miner: address)
        #expect(chain.state[address].locks == [MaturityLock(height: 4, amount: reward)])
    }

    @Test func anAccountHoldsAtMostMaturityLocks() throws {
        var chain = ChainBuilder(coinbaseMaturity: Self.maturity)
        let address = miner.publicKey.address
        for _ in 0..<10 {
            try chain.mine(transfers: [], miner: address)
            #expect(chain.state[address].locks.count <= Int(Self.maturity))
        }
        #expect(chain.state[address].locks.map(\.height) == [8, 9, 10])
        #expect(chain.state[address].spendable(atHeight: 11, maturity: Self.maturity) == 8 * reward)  // the lock of block 8 matures at 11
    }

    @Test func withoutMaturityNoLockIsKept() throws {
        var chain = ChainBuilder()
        try chain.mine()
        #expect(chain.state[chain.minerAddress].locks.isEmpty)
        #expect(chain.params.coinbaseMaturity == 0)
    }

    @Test func immatureSpendIsNamedAndSaysWhenCoinsMature() {
        let error = ValidationError.immatureCoinbaseSpend(.zero, spendable: 5, needed: 9, spendableFrom: 42)
        #expect(error.rule == "immature-coinbase-spend")
        #expect(error.description.contains("spendable from block 42"))
    }
}
