import ObolCore
import ObolTestSupport
@testable import ObolNode
import Testing

/// The bounded listings the HTTP API reads (`best`, `involving`): the same
/// answers as sorting and filtering the whole pool, without doing so.
@Suite(.timeLimit(.minutes(1))) struct MempoolListingTests {
    typealias F = MempoolFixture
    let fee = MempoolFixture.minimumFee

    @Test func bestIsThePrefixOfTheFullOrder() throws {
        var pool = F.pool()
        let keys = (0..<12).map { _ in PrivateKey.generate() }
        // Fees repeat, so ties are broken by age as in `all()`.
        for (i, key) in keys.enumerated() {
            try F.admit(F.transfer(key, nonce: 0, fee: fee * UInt64(1 + (i * 7) % 5)), to: &pool)
        }
        let all = pool.all()
        #expect(all.count == 12)
        for limit in [1, 3, 5, 12, 50] {
            #expect(pool.best(limit: limit) == Array(all.prefix(limit)), "limit \(limit)")
        }
        #expect(pool.best(limit: 0).isEmpty)
        #expect(pool.best(limit: -1).isEmpty)
    }

    @Test func involvingListsSentInNonceOrderThenIncomingOldestFirst() throws {
        var pool = F.pool()
        let owner = PrivateKey.generate()
        let others = (0..<4).map { _ in PrivateKey.generate() }
        let sent = (0..<3).map { F.transfer(owner, nonce: $0, fee: fee * (3 - $0)) }
        var incoming: [Transfer] = []
        // Interleave admissions: the owner's own, a payment to it, an unrelated one.
        for i in 0..<3 {
            try F.admit(sent[i], to: &pool)
            let payment = F.transfer(others[i], nonce: 0, fee: fee * UInt64(5 - i), to: owner.publicKey.address)
            try F.admit(payment, to: &pool)
            incoming.append(payment)
        }
        try F.admit(F.transfer(others[3], nonce: 0), to: &pool)
        let address = owner.publicKey.address

        #expect(pool.involving(address, limit: 100) == sent + incoming)
        #expect(pool.involving(address, limit: 4) == sent + incoming.prefix(1))
        #expect(pool.involving(address, limit: 2) == Array(sent.prefix(2)))
        #expect(pool.involving(address, limit: 0).isEmpty)
        #expect(pool.involving(PrivateKey.generate().publicKey.address, limit: 10).isEmpty)
        // The fixture's recipient is paid by the owner's transfers and the
        // unrelated one, oldest first, and sends nothing.
        #expect(pool.involving(F.recipient, limit: 10) == sent + [pool.pending(from: others[3].publicKey.address)[0]])
    }

    @Test func aSelfPaymentIsListedOnce() throws {
        var pool = F.pool()
        let owner = PrivateKey.generate()
        let toSelf = F.transfer(owner, nonce: 0, to: owner.publicKey.address)
        try F.admit(toSelf, to: &pool)
        #expect(pool.involving(owner.publicKey.address, limit: 10) == [toSelf])
    }

    @Test func theActorAnswersCountAndListingTogether() async throws {
        let accounts = TestAccounts()
        let mempool = MempoolActor(params: F.params, accounts: accounts)
        let keys = (0..<5).map { _ in PrivateKey.generate() }
        for (i, key) in keys.enumerated() {
            accounts.set(key.publicKey.address, F.rich)
            let transfer = F.transfer(key, nonce: 0, fee: fee * UInt64(i + 1))
            #expect(try await mempool.submit(transfer).get() == transfer.id)
        }
        let listing = await mempool.listing(limit: 2)
        #expect(listing.count == 5)
        #expect(listing.best.map(\.fee) == [fee * 5, fee * 4])
    }
}
