import ObolCore
import ObolTestSupport
@testable import ObolNode
import Testing

/// The controller as the node runs it: a new tip stops the job at once, and
/// the next job waits until the mempool has handled that tip.
@Suite(.timeLimit(.minutes(1)))
struct MinerControllerGatingTests {
    typealias Controller = MiningController<ManualClock.Instant>
    static let t0 = ManualClock.Instant(offset: .zero)
    static let tipA = Hash256(bytes: [UInt8](repeating: 0xaa, count: 32))!
    static let tipB = Hash256(bytes: [UInt8](repeating: 0xbb, count: 32))!
    static let tipC = Hash256(bytes: [UInt8](repeating: 0xcc, count: 32))!

    static func at(_ ms: Int) -> ManualClock.Instant { t0.advanced(by: .milliseconds(ms)) }

    static func gated() -> Controller {
        var c = Controller(refreshInterval: .seconds(2), waitsForMempool: true)
        _ = c.start(now: t0)
        c.jobBased(id: 1, previousHash: tipA)
        return c
    }

    @Test func newTipStopsTheJobAndTheMempoolCatchingUpStartsTheNext() {
        var c = Self.gated()
        #expect(c.tipChanged(Self.tipB, now: Self.at(1)) == .stopJob(id: 1))
        #expect(!c.isJobRunning)
        #expect(c.mempoolCaughtUp(Self.tipB, now: Self.at(2)) == .startJob(id: 2, includeTransfers: true))
        #expect(c.expectedBase == Self.tipB)
        // The mempool reporting the same tip again changes nothing.
        #expect(c.mempoolCaughtUp(Self.tipB, now: Self.at(3)) == nil)
    }

    @Test func mempoolReportingAnOlderTipStartsNothing() {
        var c = Self.gated()
        _ = c.tipChanged(Self.tipB, now: Self.at(1))
        #expect(c.tipChanged(Self.tipC, now: Self.at(2)) == nil)  // nothing runs to stop
        #expect(c.mempoolCaughtUp(Self.tipB, now: Self.at(3)) == nil)
        #expect(c.mempoolCaughtUp(Self.tipC, now: Self.at(4)) == .startJob(id: 2, includeTransfers: true))
    }

    @Test func mempoolAheadOfTheMinersTipStreamStartsOnTheTip() {
        var c = Self.gated()
        #expect(c.mempoolCaughtUp(Self.tipB, now: Self.at(1)) == nil)
        #expect(c.tipChanged(Self.tipB, now: Self.at(2)) == .startJob(id: 2, includeTransfers: true))
    }

    @Test func afterOurBlockLostTheNextJobExpectsTheKnownTip() {
        var c = Self.gated()
        #expect(c.tipChanged(Self.tipA, now: Self.at(1)) == nil)
        // Our block lost a race the chain has not reported yet.
        let peerWon = MiningJobEnd.submitted(blockHash: Self.tipC, result: .sideBranch(height: 5))
        #expect(c.jobEnded(id: 1, peerWon, now: Self.at(2)) == .startJob(id: 2, includeTransfers: true))
        // A job that then reads the peer's newer tip ends unmined instead of
        // mining a template from before the mempool handled it.
        #expect(c.expectedBase == Self.tipA)
    }

    @Test func ownBlockWaitsForTheMempoolBeforeTheNextJob() {
        var c = Self.gated()
        let found = MiningJobEnd.submitted(blockHash: Self.tipB, result: .connected(height: 2, disconnected: 0))
        #expect(c.jobEnded(id: 1, found, now: Self.at(1)) == nil)
        #expect(c.tipChanged(Self.tipB, now: Self.at(2)) == nil)
        #expect(c.mempoolCaughtUp(Self.tipB, now: Self.at(3)) == .startJob(id: 2, includeTransfers: true))
    }

    @Test func ownBlockStartsAtOnceWhenTheMempoolIsThereAlready() {
        var c = Self.gated()
        _ = c.mempoolCaughtUp(Self.tipB, now: Self.at(1))
        let found = MiningJobEnd.submitted(blockHash: Self.tipB, result: .connected(height: 2, disconnected: 0))
        #expect(c.jobEnded(id: 1, found, now: Self.at(2)) == .startJob(id: 2, includeTransfers: true))
        #expect(c.tipChanged(Self.tipB, now: Self.at(3)) == nil)
    }

    @Test func mempoolChangesDoNotRestartAStoppedJob() {
        var c = Self.gated()
        _ = c.tipChanged(Self.tipB, now: Self.at(1))
        #expect(c.mempoolChanged(now: Self.at(5_000)) == nil)
        #expect(c.refreshTimerFired(now: Self.at(6_000)) == nil)
        #expect(c.mempoolCaughtUp(Self.tipB, now: Self.at(7_000)) == .startJob(id: 2, includeTransfers: true))
    }

    @Test func stoppedJobEndingLateChangesNothing() {
        var c = Self.gated()
        _ = c.tipChanged(Self.tipB, now: Self.at(1))
        #expect(c.jobEnded(id: 1, .stopped, now: Self.at(2)) == nil)
        let late = MiningJobEnd.submitted(blockHash: Self.tipC, result: .sideBranch(height: 1))
        #expect(c.jobEnded(id: 1, late, now: Self.at(3)) == nil)
        #expect(c.mempoolCaughtUp(Self.tipB, now: Self.at(4)) == .startJob(id: 2, includeTransfers: true))
    }

    @Test func withoutTheMempoolsReportsANewTipReplacesTheJob() {
        var c = Controller(refreshInterval: .seconds(2))
        _ = c.start(now: Self.t0)
        #expect(c.tipChanged(Self.tipB, now: Self.at(1)) == .startJob(id: 2, includeTransfers: true))
        #expect(c.expectedBase == nil)
    }
}
