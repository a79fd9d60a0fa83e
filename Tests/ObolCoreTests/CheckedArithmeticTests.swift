import ObolCore
import ObolTestSupport
import Testing

/// Consensus state never traps: every change to a balance or a nonce is
/// checked and throws a `ValidationError`, even where an earlier rule check
/// should already have caught it.
@Suite(.timeLimit(.minutes(1))) struct CheckedArithmeticTests {
    @Test func debitBeyondTheBalanceThrowsInsteadOfUnderflowing() {
        var account = Account(balance: 10, nonce: 0)
        #expect(throws: ValidationError.insufficientBalance(.zero, balance: 10, needed: 11)) {
            try account.debit(11, by: .zero)
        }
        #expect(account.balance == 10)
        #expect(throws: Never.self) { try account.debit(10, by: .zero) }
        #expect(account.balance == 0)
    }

    @Test func creditPastTheMaximumThrowsInsteadOfOverflowing() {
        var account = Account(balance: .max - 1, nonce: 0)
        #expect(throws: ValidationError.amountOverflow(.zero)) { try account.credit(2, by: .zero) }
        #expect(account.balance == UInt64.max - 1)
        #expect(throws: Never.self) { try account.credit(1, by: .zero) }
        #expect(account.balance == UInt64.max)
    }

    @Test func theLastNonceCannotBeAdvanced() {
        var account = Account(balance: 0, nonce: .max - 1)
        #expect(throws: Never.self) { try account.advanceNonce(by: .zero) }
        #expect(throws: ValidationError.nonceOverflow(.zero)) { try account.advanceNonce(by: .zero) }
        #expect(account.nonce == .max)
    }

    /// Reachable in a block: an account whose nonce is `UInt64.max` signs a
    /// transfer with that nonce. Connect used to trap on `nonce += 1`.
    @Test func aTransferFromAnAccountAtTheLastNonceIsRefusedNotATrap() throws {
        let chain = ChainBuilder()
        let key = ChainBuilder.testKey(7)
        var accounts = chain.state.accounts
        accounts[key.publicKey.address] = Account(balance: ChainParams.coin, nonce: .max)
        let state = AccountState(accounts: accounts)
        let transfer = chain.transfer(from: key, to: ChainBuilder.testAddress(8), amount: 1_000, nonce: .max)
        let block = chain.makeBlock(transfers: [transfer])
        #expect(throws: ValidationError.nonceOverflow(transfer.id)) {
            try ChainBuilder.validate(block, chain.context(for: block), state: state, params: chain.params)
        }
        #expect(ChainBuilder.stageFailures(of: block, chain.context(for: block), state: state, params: chain.params)
            == [.connect: .nonceOverflow(transfer.id)])
    }

    @Test func spendableNeverExceedsTheBalanceEvenWithInconsistentLocks() {
        let account = Account(balance: 5, nonce: 0, locks: [MaturityLock(height: 1, amount: 7),
                                                           MaturityLock(height: 2, amount: .max)])
        #expect(account.spendable(atHeight: 2, maturity: 10) == 0)
        #expect(account.immature(atHeight: 2, maturity: 10) == 5)
    }
}
