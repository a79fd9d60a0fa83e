import ObolCore
import ObolNode
import Testing

@Suite(.timeLimit(.minutes(1))) struct MempoolCapacityTests {
    typealias F = MempoolFixture
    let keys = (0..<6).map { _ in PrivateKey.generate() }
    let fee = MempoolFixture.minimumFee

    @Test func evictsLowestFeeRateWhenFull() throws {
        var pool = F.pool(MempoolConfig(maxCount: 3))
        let held = (0..<3).map { F.transfer(keys[$0], nonce: 0, fee: fee * UInt64($0 + 1)) }
        for transfer in held { try F.admit(transfer, to: &pool) }
        let incoming = F.transfer(keys[3], nonce: 0, fee: fee * 5)
        let events = try F.admit(incoming, to: &pool)
        #expect(events.records == [.removed(held[0].id, .evicted), .accepted(incoming.id)])
        #expect(pool.count == 3)
    }

    @Test(arguments: [1, 2] as [UInt64])
    func rejectsIncomingThatDoesNotBeatTheLowest(multiple: UInt64) throws {
        var pool = F.pool(MempoolConfig(maxCount: 3))
        for index in 0..<3 { try F.admit(F.transfer(keys[index], nonce: 0, fee: fee * UInt64(index + 2)), to: &pool) }
        let incoming = F.transfer(keys[3], nonce: 0, fee: fee * multiple)
        #expect(F.rejection(incoming, by: &pool) == .full)
        #expect(pool.count == 3)
        #expect(pool.transfer(incoming.id) == nil)
    }

    @Test func evictsOnlyTheLastNonceOfASendersChain() throws {
        var pool = F.pool(MempoolConfig(maxCount: 3))
        let a0 = F.transfer(keys[0], nonce: 0, fee: fee)
        let a1 = F.transfer(keys[0], nonce: 1, fee: fee * 9)
        let b0 = F.transfer(keys[1], nonce: 0, fee: fee * 2)
        for transfer in [a0, a1, b0] { try F.admit(transfer, to: &pool) }

        // a0 pays least but a1 depends on it: b0 goes.
        let c0 = F.transfer(keys[2], nonce: 0, fee: fee * 3)
        #expect(try F.admit(c0, to: &pool).records == [.removed(b0.id, .evicted), .accepted(c0.id)])

        // Once a1 goes, a0 is the end of its chain and can go too.
        let d0 = F.transfer(keys[3], nonce: 0, fee: fee * 20)
        let e0 = F.transfer(keys[4], nonce: 0, fee: fee * 20)
        #expect(try F.admit(d0, to: &pool).records == [.removed(c0.id, .evicted), .accepted(d0.id)])
        #expect(try F.admit(e0, to: &pool).records == [.removed(a1.id, .evicted), .accepted(e0.id)])
        let f0 = F.transfer(keys[5], nonce: 0, fee: fee * 20)
        #expect(try F.admit(f0, to: &pool).records == [.removed(a0.id, .evicted), .accepted(f0.id)])
    }

    @Test func evictsAsManyAsTheByteLimitNeeds() throws {
        let size = Transfer.baseSize
        var pool = F.pool(MempoolConfig(maxCount: 100, maxBytes: 3 * size))
        let held = (0..<3).map { F.transfer(keys[$0], nonce: 0, fee: fee * UInt64($0 + 1)) }
        for transfer in held { try F.admit(transfer, to: &pool) }
        let large = F.transfer(keys[3], nonce: 0, fee: fee * 10, data: [UInt8](repeating: 7, count: 100))
        let events = try F.admit(large, to: &pool)
        #expect(events.records == [.removed(held[0].id, .evicted), .removed(held[1].id, .evicted),
                                   .accepted(large.id)])
        #expect(pool.totalBytes == size + large.size)
    }

    @Test func neverEvictsTheIncomingSendersOwnChain() throws {
        var pool = F.pool(MempoolConfig(maxCount: 2))
        try F.admit(F.transfer(keys[0], nonce: 0), to: &pool)
        try F.admit(F.transfer(keys[0], nonce: 1), to: &pool)
        #expect(F.rejection(F.transfer(keys[0], nonce: 2, fee: fee * 100), by: &pool) == .full)
    }

    @Test func expiresOldTransfersWithTheirSendersLaterNonces() throws {
        var pool = F.pool(MempoolConfig(expiry: 3600))
        let a0 = F.transfer(keys[0], nonce: 0)
        let a1 = F.transfer(keys[0], nonce: 1)
        let b0 = F.transfer(keys[1], nonce: 0)
        try F.admit(a0, to: &pool, now: F.start)
        try F.admit(a1, to: &pool, now: F.start + 100)
        try F.admit(b0, to: &pool, now: F.start + 200)

        #expect(pool.expire(now: F.start + 3600).isEmpty)
        #expect(pool.expire(now: F.start + 3601).records == [.removed(a0.id, .expired), .removed(a1.id, .invalidated)])
        #expect(pool.all() == [b0])
        #expect(pool.expire(now: F.start + 3801).records == [.removed(b0.id, .expired)])
        #expect(pool.count == 0 && pool.totalBytes == 0)
    }

    @Test func replacementRestartsNothingButItsOwnAge() throws {
        var pool = F.pool(MempoolConfig(expiry: 3600))
        try F.admit(F.transfer(keys[0], nonce: 0), to: &pool, now: F.start)
        let replacement = F.transfer(keys[0], nonce: 0, fee: fee * 2)
        try F.admit(replacement, to: &pool, now: F.start + 1000)
        #expect(pool.expire(now: F.start + 3601).isEmpty)
        #expect(pool.expire(now: F.start + 4601).records == [.removed(replacement.id, .expired)])
    }

    @Test func feeRatesCompareExactly() {
        #expect(FeeRate(fee: 3, size: 2) == FeeRate(fee: 6, size: 4))
        #expect(FeeRate(fee: .max - 1, size: 2) < FeeRate(fee: .max, size: 2))
        #expect(FeeRate(fee: .max, size: 300) < FeeRate(fee: .max / 299, size: 1))
        #expect(FeeRate(fee: 1_000, size: 249) < FeeRate(fee: 1_000, size: 148))
        #expect(Set([FeeRate(fee: 3, size: 2), FeeRate(fee: 6, size: 4)]).count == 1)
    }
}
