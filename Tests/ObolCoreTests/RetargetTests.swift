import ObolCore
import ObolTestSupport
import Testing

@Suite(.timeLimit(.minutes(1))) struct RetargetTests {
    let params = ChainParams.test
    /// Seconds the window measured at height 20 should take: it opens at height 9,
    /// the block that closed the previous window, so it spans `retargetInterval` gaps.
    var expected: UInt64 { params.retargetInterval * params.targetBlockTime }
    /// Far below the test network's maximum, so it can ease 4x.
    let parentBits = CompactTarget(bits: 0x1d00_ffff)
    var parentTarget: UInt256 { parentBits.target! }

    /// The bits for the retarget at height 20 after a window that took `taken` seconds.
    func retarget(taken: UInt64, parentBits: CompactTarget? = nil) -> CompactTarget {
        Retarget.nextBits(height: 20, parentBits: parentBits ?? self.parentBits, parentTimestamp: 1_000_000 + taken,
                          windowStartTimestamp: 1_000_000, params: params)
    }

    /// `target * n / d` rounded to compact form, as the rule should give.
    func scaled(_ target: UInt256, _ n: UInt64, _ d: UInt64) -> CompactTarget {
        CompactTarget(target: target.multipliedReportingOverflow(by: n).partialValue.quotientAndRemainder(dividingBy: d).quotient)
    }

    @Test func onScheduleWindowKeepsTheTarget() {
        #expect(retarget(taken: expected) == parentBits)
        #expect(retarget(taken: expected, parentBits: params.maxTargetBits) == params.maxTargetBits)
    }

    @Test func slowWindowLowersDifficulty() throws {
        let bits = retarget(taken: expected * 2)
        #expect(try #require(bits.target) > parentTarget)
        #expect(bits == scaled(parentTarget, 2, 1))
        #expect(retarget(taken: expected + 9) == scaled(parentTarget, expected + 9, expected))
    }

    @Test func fastWindowRaisesDifficulty() throws {
        let bits = retarget(taken: expected / 3)
        #expect(try #require(bits.target) < parentTarget)
        #expect(bits == scaled(parentTarget, expected / 3, expected))
    }

    /// Regression: at a target near 2^255, target * taken overflowed 256
    /// bits and the rule returned the maximum target instead of a harder one.
    @Test func fastWindowRaisesDifficultyFromTheMaximumTarget() throws {
        let bits = retarget(taken: expected / 2, parentBits: params.maxTargetBits)
        #expect(try #require(bits.target) < params.maxTarget)
        #expect(bits == CompactTarget(target: params.maxTarget.quotientAndRemainder(dividingBy: expected).quotient
            .multipliedReportingOverflow(by: expected / 2).partialValue))
    }

    @Test(arguments: [UInt64(200), 201, 1_000, 1_000_000_000])
    func slowWindowIsClampedToFourTimesEasier(taken: UInt64) {
        #expect(retarget(taken: taken) == scaled(parentTarget, 4, 1))
    }

    /// Regression: clamping the time to expected / 4 (rounded down) once let
    /// one step make blocks 45/11 = 4.09 times harder.
    @Test(arguments: [UInt64(0), 1, 10, 12])
    func fastWindowIsClampedToFourTimesHarder(taken: UInt64) {
        #expect(retarget(taken: taken) == scaled(parentTarget, 1, 4))
    }

    @Test func justInsideTheClampScalesExactly() {
        #expect(retarget(taken: 13) == scaled(parentTarget, 13, expected))
        #expect(retarget(taken: 199) == scaled(parentTarget, 199, expected))
    }

    @Test func parentTimestampBeforeWindowStartCountsAsZeroTime() {
        let bits = Retarget.nextBits(height: 20, parentBits: parentBits, parentTimestamp: 500,
                                     windowStartTimestamp: 1_000, params: params)
        #expect(bits == scaled(parentTarget, 1, 4))
    }

    @Test func neverExceedsTheMaximumTarget() {
        #expect(retarget(taken: 1_000_000, parentBits: params.maxTargetBits) == params.maxTargetBits)
        let halfMax = CompactTarget(target: params.maxTarget.shiftedRight(1))
        #expect(retarget(taken: expected * 4, parentBits: halfMax) == params.maxTargetBits)
        #expect(retarget(taken: expected * 2, parentBits: halfMax) == scaled(halfMax.target!, 2, 1))
    }

    @Test func oneStepNeverChangesTheTargetMoreThanFourfold() throws {
        var rng = SeededRandom(seed: 21)
        for _ in 0..<300 {
            let parent = CompactTarget(target: params.maxTarget.shiftedRight(Int.random(in: 0...200, using: &rng)))
            let taken = UInt64.random(in: 0...(expected * 8), using: &rng)
            let old = try #require(parent.target)
            let new = try #require(retarget(taken: taken, parentBits: parent).target)
            #expect(new <= old.shiftedLeft(2))
            let quarter = try #require(CompactTarget(target: old.shiftedRight(2)).target)
            #expect(new >= quarter)
        }
    }

    @Test(arguments: [UInt64(0), 1, 2, 5, 9, 11, 15, 19, 21, 29, 31])
    func nonRetargetHeightsKeepParentBits(height: UInt64) {
        let odd = CompactTarget(bits: 0x1c12_3456)
        #expect(!Retarget.isRetargetHeight(height, params: params))
        for (parentTime, windowTime) in [(UInt64(0), UInt64(0)), (10, 1_000_000), (1_000_000, 10)] {
            #expect(Retarget.nextBits(height: height, parentBits: odd, parentTimestamp: parentTime,
                                      windowStartTimestamp: windowTime, params: params) == odd)
        }
    }

    @Test(arguments: [UInt64(20), 30, 1_000])
    func retargetHeightsAreMultiplesOfTheInterval(height: UInt64) {
        #expect(Retarget.isRetargetHeight(height, params: params))
        // Overlapping windows: each opens at the block that closed the one before.
        #expect(Retarget.windowStartHeight(for: height, params: params) == height - params.retargetInterval - 1)
    }

    @Test func firstWindowOpensAtGenesis() {
        #expect(Retarget.isRetargetHeight(params.retargetInterval, params: params))
        #expect(Retarget.windowStartHeight(for: params.retargetInterval, params: params) == 0)
        // It spans interval - 1 gaps.
        let expected = (params.retargetInterval - 1) * params.targetBlockTime
        let bits = Retarget.nextBits(height: params.retargetInterval, parentBits: parentBits,
                                     parentTimestamp: 5_000 + expected, windowStartTimestamp: 5_000, params: params)
        #expect(bits == parentBits)
    }

    /// The timewarp: stamping a window's last block late, while the rest of the
    /// chain stays on time, eases the next target but hardens the one after by
    /// as much, because that block also opens the next window.
    @Test func aLateWindowEndIsPaidBackInTheNextWindow() {
        let late: UInt64 = 3 * expected / 2
        let eased = Retarget.nextBits(height: 20, parentBits: parentBits, parentTimestamp: 1_000_000 + late,
                                      windowStartTimestamp: 1_000_000, params: params)
        #expect(eased.target! > parentTarget)
        // The next window opens at that late block; the chain is back on schedule by its end.
        let next = Retarget.nextBits(height: 30, parentBits: eased, parentTimestamp: 1_000_000 + 2 * expected,
                                     windowStartTimestamp: 1_000_000 + late, params: params)
        #expect(next.target! < eased.target!)
        #expect(next.target! <= parentTarget)
    }

    @Test func medianOfElevenTimestamps() {
        let times: [UInt64] = [50, 10, 90, 30, 70, 110, 20, 100, 40, 80, 60]
        #expect(MedianTimePast.of(times) == 60)
        #expect(MedianTimePast.of(times.sorted()) == 60)
        #expect(MedianTimePast.of(times.sorted().reversed()) == 60)
    }

    @Test func medianWithDuplicatesAndShortHistories() {
        #expect(MedianTimePast.of([5, 5, 5, 1, 9, 9, 9, 9, 1, 1, 1]) == 5)
        #expect(MedianTimePast.of([UInt64]()) == 0)
        #expect(MedianTimePast.of([42]) == 42)
        #expect(MedianTimePast.of([3, 1, 2]) == 2)
        #expect(MedianTimePast.of([1, 2]) == 2)  // even counts take the upper middle
    }
}
