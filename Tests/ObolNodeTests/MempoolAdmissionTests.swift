import ObolCore
import ObolNode
import Testing

@Suite(.timeLimit(.minutes(1))) struct MempoolAdmissionTests {
    typealias F = MempoolFixture
    let alice = PrivateKey.generate()

    @Test func acceptsChainOfConsecutiveNonces() throws {
        var pool = F.pool()
        let account = Account(balance: F.rich.balance, nonce: 4)
        let chain = (4...6).map { F.transfer(alice, nonce: $0) }
        for transfer in chain {
            let events = try F.admit(transfer, to: &pool, account: account)
            #expect(events.records == [.accepted(transfer.id)])
        }
        #expect(pool.count == 3)
        #expect(pool.totalBytes == chain.reduce(0) { $0 + $1.size })
        #expect(pool.pending(from: alice.publicKey.address) == chain)
        #expect(pool.pendingNonce(for: alice.publicKey.address, account: account) == 7)
    }

    @Test func rejectsOutOfOrderNonceAsGap() throws {
        var pool = F.pool()
        #expect(F.rejection(F.transfer(alice, nonce: 1), by: &pool) == .nonceGap(expected: 0, actual: 1))
        try F.admit(F.transfer(alice, nonce: 0), to: &pool)
        #expect(F.rejection(F.transfer(alice, nonce: 2), by: &pool) == .nonceGap(expected: 1, actual: 2))
        #expect(pool.count == 1)
    }

    @Test func rejectsNonceTheAccountHasUsed() {
        var pool = F.pool()
        let account = Account(balance: F.rich.balance, nonce: 5)
        #expect(F.rejection(F.transfer(alice, nonce: 3), by: &pool, account: account)
            == .nonceTooLow(expected: 5, actual: 3))
    }

    @Test func rejectsDuplicate() throws {
        var pool = F.pool()
        let transfer = F.transfer(alice, nonce: 0)
        try F.admit(transfer, to: &pool)
        #expect(F.rejection(transfer, by: &pool) == .duplicate)
        #expect(pool.count == 1)
    }

    @Test func higherFeeReplacesPendingNonceAndKeepsLaterOnes() throws {
        var pool = F.pool()
        let first = F.transfer(alice, nonce: 0)
        let second = F.transfer(alice, nonce: 1)
        try F.admit(first, to: &pool)
        try F.admit(second, to: &pool)
        let replacement = F.transfer(alice, nonce: 0, fee: F.minimumFee * 2)
        let events = try F.admit(replacement, to: &pool)
        #expect(events.records == [.removed(first.id, .replaced), .accepted(replacement.id)])
        #expect(pool.pending(from: alice.publicKey.address) == [replacement, second])
        #expect(pool.transfer(first.id) == nil)
    }

    @Test(arguments: [0, 1, MempoolFixture.minimumFee - 1])
    func rejectsReplacementWithoutEnoughMoreFee(extra: UInt64) throws {
        var pool = F.pool()
        let original = F.transfer(alice, nonce: 0, fee: F.minimumFee * 3)
        try F.admit(original, to: &pool)
        let replacement = F.transfer(alice, nonce: 0, amount: 2_000, fee: original.fee + extra)
        #expect(F.rejection(replacement, by: &pool)
            == .replacementFeeTooLow(minimum: original.fee + F.minimumFee, actual: original.fee + extra))
        #expect(pool.pending(from: alice.publicKey.address) == [original])
    }

    @Test func rejectsLowerFeeReplacement() throws {
        var pool = F.pool()
        try F.admit(F.transfer(alice, nonce: 0, fee: F.minimumFee * 3), to: &pool)
        let cheaper = F.transfer(alice, nonce: 0, fee: F.minimumFee)
        #expect(F.rejection(cheaper, by: &pool) == .replacementFeeTooLow(minimum: F.minimumFee * 4,
                                                                          actual: F.minimumFee))
    }

    @Test func balanceMustCoverEverythingPendingFromTheSender() throws {
        var pool = F.pool()
        let fee = F.minimumFee
        let account = Account(balance: 2 * (10_000 + fee) + fee + 500, nonce: 0)
        try F.admit(F.transfer(alice, nonce: 0, amount: 10_000), to: &pool, account: account)
        try F.admit(F.transfer(alice, nonce: 1, amount: 10_000), to: &pool, account: account)
        #expect(F.rejection(F.transfer(alice, nonce: 2, amount: 10_000), by: &pool, account: account)
            == .insufficientBalance(balance: account.balance, needed: 3 * (10_000 + fee)))
        // What is left still fits.
        try F.admit(F.transfer(alice, nonce: 2, amount: 500), to: &pool, account: account)
    }

    @Test func replacementDropsLaterTransfersItCanNoLongerAfford() throws {
        var pool = F.pool()
        let fee = F.minimumFee
        let account = Account(balance: 3 * (1_000 + fee), nonce: 0)
        let chain = (0..<3).map { F.transfer(alice, nonce: $0) }
        for transfer in chain { try F.admit(transfer, to: &pool, account: account) }
        // Pays 1,000 more in fee: the last transfer no longer fits, the middle one does.
        let replacement = F.transfer(alice, nonce: 0, fee: 2 * fee)
        let events = try F.admit(replacement, to: &pool, account: account)
        #expect(events.records == [.removed(chain[0].id, .replaced), .removed(chain[2].id, .invalidated),
                                   .accepted(replacement.id)])
        #expect(pool.pending(from: alice.publicKey.address) == [replacement, chain[1]])
    }

    @Test func rejectsBadSignature() {
        var pool = F.pool()
        let other = F.transfer(alice, nonce: 1)
        let forged = F.transfer(alice, nonce: 0).withSignature(other.signature)
        #expect(F.rejection(forged, by: &pool) == .invalid(.invalidSignature(forged.id)))
        #expect(pool.count == 0)
    }

    @Test func rejectsWrongNetwork() {
        var pool = F.pool()
        let foreign = Transfer.signed(by: alice, networkID: ChainParams.devnet.networkID, to: F.recipient,
                                      amount: 1_000, fee: F.minimumFee, nonce: 0)
        #expect(F.rejection(foreign, by: &pool)
            == .invalid(.wrongNetwork(expected: F.params.networkID, actual: ChainParams.devnet.networkID)))
    }

    @Test func rejectsFeeBelowMinimum() {
        var pool = F.pool()
        let cheap = F.transfer(alice, nonce: 0, fee: F.minimumFee - 1)
        #expect(F.rejection(cheap, by: &pool)
            == .invalid(.feeBelowMinimum(cheap.id, fee: cheap.fee, minimum: F.minimumFee)))
    }

    @Test func callerVerifiedSignatureIsNotCheckedAgainAndIsKnownValid() throws {
        var pool = F.pool()
        let transfer = F.transfer(alice, nonce: 0)
        #expect(!pool.isKnownValid(transfer.id))
        _ = try pool.add(transfer, account: F.rich, now: F.start, signature: .verified)
        #expect(pool.isKnownValid(transfer.id))
        _ = pool.blockConnected(F.block(height: 1, [transfer]))
        #expect(!pool.isKnownValid(transfer.id))
    }

    @Test func chainTheTipHasPassedIsDroppedForANewOne() throws {
        // The pool has not yet seen the block that used nonces 0 and 1.
        var pool = F.pool()
        let old = (0..<2).map { F.transfer(alice, nonce: $0) }
        for transfer in old { try F.admit(transfer, to: &pool) }
        let next = F.transfer(alice, nonce: 3)
        let events = try F.admit(next, to: &pool, account: Account(balance: F.rich.balance, nonce: 3))
        #expect(events.records == [.removed(old[0].id, .invalidated), .removed(old[1].id, .invalidated),
                                   .accepted(next.id)])
    }

    @Test func rejectionMessagesNameTheRule() {
        #expect(MempoolRejection.nonceGap(expected: 1, actual: 3).description
            == "nonce-gap: nonce 3 skips ahead; the sender's next nonce is 1")
        #expect(MempoolRejection.full.code == "mempool-full")
        #expect(MempoolRejection.invalid(.zeroAmount(.zero)).code == "zero-amount")
    }
}
