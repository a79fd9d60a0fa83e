import ObolCore
import ObolNode
import Testing

@Suite(.timeLimit(.minutes(1))) struct MempoolTemplateTests {
    typealias F = MempoolFixture
    let a = PrivateKey.generate()
    let b = PrivateKey.generate()
    let c = PrivateKey.generate()
    let fee = MempoolFixture.minimumFee

    @Test func ordersByFeeRateHighestFirst() throws {
        var pool = F.pool()
        let low = F.transfer(a, nonce: 0, fee: fee)
        let high = F.transfer(b, nonce: 0, fee: fee * 5)
        let middle = F.transfer(c, nonce: 0, fee: fee * 3)
        for transfer in [low, high, middle] { try F.admit(transfer, to: &pool) }
        #expect(pool.template(maxCount: 10, maxBytes: 1_000_000) == [high, middle, low])
        #expect(pool.all() == [high, middle, low])
    }

    @Test func feeRateAccountsForSize() throws {
        var pool = F.pool()
        let bulky = F.transfer(a, nonce: 0, fee: fee * 2, data: [UInt8](repeating: 1, count: 200))
        let small = F.transfer(b, nonce: 0, fee: fee * 2)
        try F.admit(bulky, to: &pool)
        try F.admit(small, to: &pool)
        #expect(pool.template(maxCount: 10, maxBytes: 1_000_000) == [small, bulky])
    }

    @Test func keepsNonceOrderEvenWhenALaterNoncePaysMore() throws {
        var pool = F.pool()
        let a0 = F.transfer(a, nonce: 0, fee: fee)
        let a1 = F.transfer(a, nonce: 1, fee: fee * 50)
        let b0 = F.transfer(b, nonce: 0, fee: fee * 5)
        for transfer in [a0, a1, b0] { try F.admit(transfer, to: &pool) }
        #expect(pool.template(maxCount: 10, maxBytes: 1_000_000) == [b0, a0, a1])
        // Fee-rate listing ignores nonces.
        #expect(pool.all() == [a1, b0, a0])
    }

    @Test func stopsAtTheCountLimit() throws {
        var pool = F.pool()
        let transfers = [F.transfer(a, nonce: 0, fee: fee * 3), F.transfer(b, nonce: 0, fee: fee * 2),
                         F.transfer(c, nonce: 0, fee: fee)]
        for transfer in transfers { try F.admit(transfer, to: &pool) }
        #expect(pool.template(maxCount: 2, maxBytes: 1_000_000) == Array(transfers.prefix(2)))
        #expect(pool.template(maxCount: 0, maxBytes: 1_000_000).isEmpty)
    }

    @Test func skipsWhatDoesNotFitAndItsLaterNoncesButFillsWithSmallerOnes() throws {
        var pool = F.pool()
        let big = F.transfer(a, nonce: 0, fee: fee * 10, data: [UInt8](repeating: 1, count: 200))
        let afterBig = F.transfer(a, nonce: 1, fee: fee * 100)
        let small = F.transfer(b, nonce: 0, fee: fee)
        let first = F.transfer(c, nonce: 0, fee: fee * 100)
        for transfer in [big, afterBig, small, first] { try F.admit(transfer, to: &pool) }
        let budget = first.size + small.size + 10
        let chosen = pool.template(maxCount: 10, maxBytes: budget)
        #expect(chosen == [first, small])
        #expect(chosen.reduce(0) { $0 + $1.size } <= budget)
    }

    @Test func templateOfLongChainsIsAValidNonceSequencePerSender() throws {
        var pool = F.pool()
        let fees: [UInt64] = [1, 7, 3, 9, 2, 8]
        for (nonce, multiple) in fees.enumerated() {
            try F.admit(F.transfer(a, nonce: UInt64(nonce), fee: fee * multiple), to: &pool)
            try F.admit(F.transfer(b, nonce: UInt64(nonce), fee: fee * (10 - multiple)), to: &pool)
        }
        let chosen = pool.template(maxCount: 100, maxBytes: 1_000_000)
        #expect(chosen.count == 12)
        for key in [a, b] {
            let nonces = chosen.filter { $0.senderAddress == key.publicKey.address }.map(\.nonce)
            #expect(nonces == Array(0..<6))
        }
    }
}
