@testable import ObolNode
import Testing

@Suite(.timeLimit(.minutes(1))) struct MinerHashRateTests {
    let t0 = ContinuousClock.now

    @Test func steadyRateIsMeasuredOverTheWindow() {
        var meter = HashRateMeter(window: .seconds(5), spacing: .milliseconds(250))
        for step in 0...40 {  // 1 M hashes every 100 ms for 4 s
            meter.add(1_000_000, at: t0 + .milliseconds(100 * step))
        }
        let rate = meter.rate(at: t0 + .milliseconds(4_000))
        #expect(abs(rate - 10_000_000) < 1)
        #expect(meter.total == 41_000_000)
    }

    @Test func rateFallsToZeroWhenHashingStops() {
        var meter = HashRateMeter(window: .seconds(5), spacing: .milliseconds(250))
        for step in 0...20 { meter.add(500_000, at: t0 + .milliseconds(250 * step)) }
        let busy = meter.rate(at: t0 + .seconds(5))
        #expect(busy > 0)
        let idle = meter.rate(at: t0 + .seconds(9))
        #expect(idle < busy)
        #expect(meter.rate(at: t0 + .seconds(11)) == 0)
    }

    @Test func oldSamplesLeaveTheWindow() {
        var meter = HashRateMeter(window: .seconds(2), spacing: .milliseconds(100))
        for step in 0..<100 { meter.add(1_000, at: t0 + .milliseconds(100 * step)) }  // 10 k/s for 10 s
        for step in 100..<130 { meter.add(4_000, at: t0 + .milliseconds(100 * step)) }  // then 40 k/s for 3 s
        #expect(abs(meter.rate(at: t0 + .milliseconds(12_900)) - 40_000) < 1)
    }

    /// The miner sets its hash-rate gauge only when the meter samples: at most every `spacing`.
    @Test func addSaysWhenItTookASample() {
        var meter = HashRateMeter(window: .seconds(5), spacing: .milliseconds(250))
        let sampled = [0, 100, 249, 250].map { meter.add(1_000, at: t0 + .milliseconds($0)) }
        #expect(sampled == [true, false, false, true])
        #expect(meter.total == 4_000)
    }

    @Test func emptyMeterReportsZero() {
        let meter = HashRateMeter()
        #expect(meter.rate(at: t0) == 0)
    }
}
