import ObolCore
import ObolTestSupport
import Testing

/// One test per connect rule (nonces, balances, amounts, the coinbase
/// amount): each block passes every stage but connect, which rejects it
/// with exactly the expected error and leaves the state unchanged.
@Suite(.timeLimit(.minutes(1))) struct AccountStateTests {
    let chain = ChainBuilder()
    let coin = ChainParams.coin
    let alice = ChainBuilder.testKey(1)
    let bob = ChainBuilder.testKey(2)
    var allocation: Address { ChainBuilder.allocationKey.publicKey.address }

    /// A network whose genesis allocation is near the top of UInt64.
    func nearMaxChain(allocation amount: UInt64) -> ChainBuilder {
        var params = ChainParams.test
        params.genesisAllocationAmount = amount
        return ChainBuilder(params: params)
    }

    @Test(arguments: [UInt64(1), 2, 1_000])
    func rejectsNonceAheadOfTheAccount(nonce: UInt64) {
        let transfer = chain.transfer(to: alice.publicKey.address, amount: 10, nonce: nonce)
        expectRejection(chain.makeBlock(transfers: [transfer]),
                        by: .badNonce(transfer.id, expected: 0, actual: nonce), at: .connect, in: chain)
    }

    @Test func rejectsNonceBehindTheAccount() throws {
        var chain = chain
        chain.addTransfer(to: alice.publicKey.address, amount: 10)
        chain.addTransfer(to: alice.publicKey.address, amount: 11)
        try chain.mine()
        let stale = chain.transfer(to: alice.publicKey.address, amount: 12, nonce: 1)
        expectRejection(chain.makeBlock(transfers: [stale]),
                        by: .badNonce(stale.id, expected: 2, actual: 1), at: .connect, in: chain)
    }

    @Test func rejectsNonceGapWithinABlock() {
        let first = chain.transfer(to: alice.publicKey.address, amount: 10, nonce: 0)
        let skipped = chain.transfer(to: alice.publicKey.address, amount: 10, nonce: 2)
        expectRejection(chain.makeBlock(transfers: [first, skipped]),
                        by: .badNonce(skipped.id, expected: 1, actual: 2), at: .connect, in: chain)
    }

    @Test func rejectsTransferFromEmptyAccount() {
        let transfer = chain.transfer(from: alice, to: bob.publicKey.address, amount: 1)
        expectRejection(chain.makeBlock(transfers: [transfer]),
                        by: .insufficientBalance(transfer.id, balance: 0, needed: 1 + chain.params.minimumFee),
                        at: .connect, in: chain)
    }

    @Test func rejectsSpendingOneMoreThanTheBalance() {
        let balance = chain.state[allocation].balance
        let fee = chain.params.minimumFee
        let tooMuch = chain.transfer(to: alice.publicKey.address, amount: balance - fee + 1)
        expectRejection(chain.makeBlock(transfers: [tooMuch]),
                        by: .insufficientBalance(tooMuch.id, balance: balance, needed: balance + 1), at: .connect, in: chain)
        // Exactly the balance is fine and empties the account.
        var chain = chain
        let exact = chain.transfer(to: alice.publicKey.address, amount: balance - fee)
        #expect(throws: Never.self) { try chain.mine(transfers: [exact]) }
        #expect(chain.state[allocation] == Account(balance: 0, nonce: 1))
    }

    @Test func coinsReceivedEarlierInABlockCanBeSpentLaterInIt() {
        let fund = chain.transfer(to: alice.publicKey.address, amount: 10 * coin)
        let spend = chain.transfer(from: alice, to: bob.publicKey.address, amount: 5 * coin)
        expectAccepted(chain.makeBlock(transfers: [fund, spend]), in: chain)
        expectRejection(chain.makeBlock(transfers: [spend, fund]),
                        by: .insufficientBalance(spend.id, balance: 0, needed: 5 * coin + chain.params.minimumFee),
                        at: .connect, in: chain)
    }

    enum Overflow: String, CaseIterable {
        case recipientBalance, minerBalance, rewardPlusFees, feeSum
    }

    /// Balances and sums that would pass UInt64.max (on networks whose
    /// allocation makes that reachable); amount + fee itself is a sanity
    /// rule, see ``TransferRulesTests``.
    @Test(arguments: Overflow.allCases)
    func rejectsAmountOverflowWhenConnecting(kind: Overflow) throws {
        let fee = ChainParams.test.minimumFee
        var chain: ChainBuilder
        let block: Block
        let culprit: Hash256
        switch kind {
        case .recipientBalance:
            chain = nearMaxChain(allocation: .max - coin)
            try chain.mine(miner: bob.publicKey.address)  // bob holds the 50-coin reward
            let transfer = chain.transfer(to: bob.publicKey.address, amount: .max - coin - fee)
            block = chain.makeBlock(transfers: [transfer])
            culprit = transfer.id
        case .minerBalance:
            chain = nearMaxChain(allocation: .max)
            block = chain.makeBlock(miner: allocation)
            culprit = try #require(block.transactions[0].coinbase).id
        case .rewardPlusFees:
            chain = nearMaxChain(allocation: .max)
            block = chain.makeBlock(transfers: [chain.transfer(to: bob.publicKey.address, amount: 1, fee: .max - 1)])
            culprit = try #require(block.transactions[0].coinbase).id
        case .feeSum:
            chain = nearMaxChain(allocation: .max)
            try chain.mine(miner: bob.publicKey.address)
            block = chain.makeBlock(transfers: [
                chain.transfer(to: alice.publicKey.address, amount: 1, fee: .max - 1),
                chain.transfer(from: bob, to: alice.publicKey.address, amount: 1, fee: 50 * coin - 1),
            ])
            culprit = try #require(block.transactions[2].transfer).id
        }
        expectRejection(block, by: .amountOverflow(culprit), at: .connect, in: chain)
    }

    @Test(arguments: [-1, 1, -1_000, Int(ChainParams.coin)])
    func rejectsCoinbaseAmountOtherThanRewardPlusFees(delta: Int) {
        let transfer = chain.transfer(to: alice.publicKey.address, amount: 10)
        let expected = chain.params.reward(at: chain.nextHeight) + transfer.fee
        let amount = UInt64(Int(expected) + delta)
        let valid = chain.coinbase(fees: transfer.fee)
        let coinbase = Coinbase(networkID: valid.networkID, height: valid.height, recipient: valid.recipient,
                                amount: amount, data: valid.data)
        let block = chain.assemble([.coinbase(coinbase), .transfer(transfer)])
        expectRejection(block, by: .coinbaseAmountMismatch(expected: expected, actual: amount), at: .connect, in: chain)
    }

    @Test func rewardHalvesAtTheHalvingInterval() throws {
        var chain = chain
        let interval = chain.params.halvingInterval
        try chain.mine(count: Int(interval) - 1)
        #expect(chain.makeBlock().transactions[0].coinbase?.amount == chain.params.blockReward / 2)
        #expect(chain.tip.transactions[0].coinbase?.amount == chain.params.blockReward)
        try chain.mine()
        // Paying the old reward after the halving is rejected.
        let stale = Coinbase(networkID: chain.params.networkID, height: chain.nextHeight,
                             recipient: chain.minerAddress, amount: chain.params.blockReward)
        expectRejection(chain.assemble([.coinbase(stale)]),
                        by: .coinbaseAmountMismatch(expected: chain.params.blockReward / 2, actual: chain.params.blockReward),
                        at: .connect, in: chain)
    }

    @Test func failedConnectLeavesTheStateUnchanged() {
        var state = chain.state
        let good = chain.transfer(to: alice.publicKey.address, amount: 10, nonce: 0)
        let bad = chain.transfer(to: alice.publicKey.address, amount: 10, nonce: 5)
        let block = chain.makeBlock(transfers: [good, bad])
        #expect(throws: ValidationError.badNonce(bad.id, expected: 1, actual: 5)) {
            _ = try state.connect(block, params: chain.params)
        }
        #expect(state == chain.state)
    }

    @Test func connectMovesAmountsFeesAndNonces() throws {
        var state = chain.state
        let transfer = chain.transfer(to: alice.publicKey.address, amount: 7 * coin, fee: 3_000)
        let block = chain.makeBlock(transfers: [transfer])
        _ = try state.connect(block, params: chain.params)
        let allocated = chain.params.genesisAllocationAmount
        #expect(state[allocation] == Account(balance: allocated - 7 * coin - 3_000, nonce: 1))
        #expect(state[alice.publicKey.address] == Account(balance: 7 * coin, nonce: 0))
        #expect(state[chain.minerAddress] == Account(balance: chain.params.blockReward + 3_000, nonce: 0))
    }

    @Test func transferToSelfOnlyCostsTheFee() throws {
        var state = chain.state
        let transfer = chain.transfer(to: allocation, amount: 5 * coin)
        _ = try state.connect(chain.makeBlock(transfers: [transfer]), params: chain.params)
        #expect(state[allocation] == Account(balance: chain.params.genesisAllocationAmount - transfer.fee, nonce: 1))
    }
}
