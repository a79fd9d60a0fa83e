import ObolCore
import ObolWallet
import Testing

/// What a wallet makes of an account's spendable part before it signs.
@Suite(.timeLimit(.minutes(1))) struct AccountSpendingTests {
    let coin = ChainParams.coin
    /// 60 OBOL at next height 13: 10 spendable, 30 from block 15, 20 from block 16.
    var account: AccountResponse {
        AccountResponse(address: ChainParams.test.genesisAllocationAddress, balance: 60 * coin, spendable: 10 * coin,
                        maturing: [MaturingCoins(amount: 30 * coin, spendableFrom: 15),
                                   MaturingCoins(amount: 20 * coin, spendableFrom: 16)],
                        nextHeight: 13, nonce: 0, pendingNonce: 0, transactions: [])
    }

    @Test func immatureIsTheBalanceLessTheSpendablePart() {
        #expect(account.immature == 50 * coin)
    }

    @Test func spendableHeightIsTheFirstBlockThatMayTakeTheSum() {
        #expect(account.spendableHeight(covering: 10 * coin) == 13)
        #expect(account.spendableHeight(covering: 10 * coin + 1) == 15)
        #expect(account.spendableHeight(covering: 40 * coin) == 15)
        #expect(account.spendableHeight(covering: 40 * coin + 1) == 16)
        #expect(account.spendableHeight(covering: 60 * coin) == 16)
        #expect(account.spendableHeight(covering: 60 * coin + 1) == nil)
    }

    @Test func sendingWithinTheSpendablePartIsNotRefused() {
        #expect(account.immatureRefusal(amount: 10 * coin - 1_000, fee: 1_000) == nil)
    }

    @Test func sendingNewlyMinedCoinsIsRefusedWithWhenTheyMature() throws {
        let refusal = try #require(account.immatureRefusal(amount: 20 * coin, fee: 1_000))
        #expect(refusal.code == "immature-coinbase-spend")
        #expect(refusal.message.contains("50 OBOL of the balance is newly mined and spendable from block 15"))
    }

    @Test func moreThanTheBalanceIsLeftToTheNode() {
        #expect(account.immatureRefusal(amount: 60 * coin, fee: 1_000) == nil)
        #expect(account.immatureRefusal(amount: .max, fee: 1) == nil)
    }
}
