import ObolCore
import ObolTestSupport
import Testing

/// One test per header rule: each builds a valid next block, breaks exactly
/// that rule, and expects exactly that error from the header stage alone.
@Suite(.timeLimit(.minutes(1))) struct HeaderValidatorTests {
    /// Twelve blocks, so that the median time past lags the tip.
    let chain: ChainBuilder = {
        var chain = ChainBuilder()
        try! chain.mine(count: 12)
        return chain
    }()

    @Test func acceptsTheBuildersNextBlock() {
        expectAccepted(chain.makeBlock(), in: chain)
    }

    @Test func rejectsProofOfWorkAboveTarget() throws {
        var block = chain.makeBlock()
        block.header = ChainBuilder.unmine(block.header)
        #expect(block.header.hash.numericValue > (try #require(block.header.bits.target)))
        expectRejection(block, by: .proofOfWorkTooWeak, at: .header, in: chain)
    }

    @Test(arguments: [
        UInt32(0x0492_3456),  // negative
        0x2080_0000,  // negative zero
        0x2300_0001,  // overflows 256 bits
        0xff12_3456,  // overflows 256 bits
        0x0000_0000,  // zero
        0x0300_0000,  // zero mantissa
    ])
    func rejectsUndecodableBits(bits: UInt32) {
        let block = chain.assemble(chain.makeBlock().transactions, bits: CompactTarget(bits: bits))
        expectRejection(block, by: .invalidTargetEncoding, at: .header, in: chain)
    }

    @Test(arguments: [
        UInt32(0x207f_fffe),  // slightly harder than expected
        0x2100_ffff,  // easier than the network maximum
        0x1f7f_ffff,  // 256 times harder
    ])
    func rejectsBitsOtherThanExpected(bits: UInt32) {
        let block = chain.assemble(chain.makeBlock().transactions, bits: CompactTarget(bits: bits))
        #expect(block.header.meetsOwnTarget)
        expectRejection(block, by: .unexpectedTarget(expected: chain.nextBits, actual: CompactTarget(bits: bits)),
                        at: .header, in: chain)
    }

    @Test(arguments: [-1, 1, 2, 100])
    func rejectsWrongHeight(offset: Int) {
        let height = UInt64(Int(chain.nextHeight) + offset)
        // The coinbase agrees with the header, so only the expected height is wrong.
        let block = chain.assemble([.coinbase(chain.coinbase(height: height))], height: height)
        expectRejection(block, by: .unexpectedHeight(expected: chain.nextHeight, actual: height), at: .header, in: chain)
    }

    @Test(arguments: [0, 1, 30])
    func rejectsHeaderAtOrBeforeMedianTimePast(secondsBefore: UInt64) {
        let median = chain.medianTimePast
        #expect(median < chain.tip.header.timestamp)
        let timestamp = median - secondsBefore
        let block = chain.makeBlock(timestamp: timestamp)
        expectRejection(block, by: .timestampNotAfterMedianTimePast(timestamp: timestamp, median: median),
                        at: .header, in: chain)
    }

    @Test func acceptsHeaderOneSecondAfterMedianTimePastEvenIfBeforeItsParent() {
        let block = chain.makeBlock(timestamp: chain.medianTimePast + 1)
        #expect(block.header.timestamp < chain.tip.header.timestamp)
        expectAccepted(block, in: chain)
    }

    @Test(arguments: [1, 2, 10_000])
    func rejectsHeaderTooFarInTheFuture(secondsBeyond: UInt64) {
        let block = chain.makeBlock()
        let drift = chain.params.maxFutureDrift
        let now = block.header.timestamp - drift - secondsBeyond
        expectRejection(block, by: .timestampTooFarInFuture(timestamp: block.header.timestamp, limit: now + drift),
                        at: .header, in: chain, context: chain.context(for: block, now: now))
    }

    @Test func acceptsHeaderExactlyAtTheFutureDriftLimit() {
        let block = chain.makeBlock()
        let now = block.header.timestamp - chain.params.maxFutureDrift
        expectAccepted(block, in: chain, context: chain.context(for: block, now: now))
    }

    @Test func proofOfWorkIsCheckedBeforeContext() {
        // A header that breaks both stages reports proof of work first.
        var block = chain.makeBlock(timestamp: chain.medianTimePast)
        block.header = ChainBuilder.unmine(block.header)
        #expect(throws: ValidationError.proofOfWorkTooWeak) {
            try HeaderValidator.check(block.header, chain.context(for: block), params: chain.params)
        }
        #expect(throws: ValidationError.timestampNotAfterMedianTimePast(timestamp: block.header.timestamp,
                                                                         median: chain.medianTimePast)) {
            try HeaderValidator.checkContext(block.header, chain.context(for: block), params: chain.params)
        }
    }
}
