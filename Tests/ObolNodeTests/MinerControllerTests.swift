import ObolCore
import ObolTestSupport
@testable import ObolNode
import Testing

@Suite(.timeLimit(.minutes(1))) struct MinerControllerTests {
    typealias Controller = MiningController<ManualClock.Instant>
    static let interval = Duration.seconds(2)
    static let t0 = ManualClock.Instant(offset: .zero)
    static let tipA = Hash256(bytes: [UInt8](repeating: 0xaa, count: 32))!
    static let tipB = Hash256(bytes: [UInt8](repeating: 0xbb, count: 32))!

    static func at(_ ms: Int) -> ManualClock.Instant { t0.advanced(by: .milliseconds(ms)) }

    @Test func startsTheFirstJobAtOnce() {
        var c = Controller(refreshInterval: Self.interval)
        #expect(c.start(now: Self.t0) == .startJob(id: 1, includeTransfers: true))
    }

    @Test func newTipReplacesTheJobUnlessTheJobAlreadyBuildsOnIt() {
        var c = Controller(refreshInterval: Self.interval)
        _ = c.start(now: Self.t0)
        c.jobBased(id: 1, previousHash: Self.tipA)
        #expect(c.tipChanged(Self.tipA, now: Self.at(1)) == nil)
        #expect(c.tipChanged(Self.tipB, now: Self.at(2)) == .startJob(id: 2, includeTransfers: true))
        // The new job has not read its context yet, but it started after tip B was applied.
        #expect(c.tipChanged(Self.tipB, now: Self.at(3)) == nil)
        #expect(c.tipChanged(Self.tipA, now: Self.at(4)) == .startJob(id: 3, includeTransfers: true))
    }

    @Test func staleJobReportsAreIgnored() {
        var c = Controller(refreshInterval: Self.interval)
        _ = c.start(now: Self.t0)
        _ = c.tipChanged(Self.tipA, now: Self.at(1))  // job 2
        c.jobBased(id: 1, previousHash: Self.tipB)
        #expect(c.jobEnded(id: 1, .submitted(blockHash: Self.tipB, result: .sideBranch(height: 1)), now: Self.at(2)) == nil)
        #expect(c.jobEnded(id: 1, .stopped, now: Self.at(2)) == nil)
        #expect(c.tipChanged(Self.tipA, now: Self.at(3)) == nil)
        #expect(c.jobID == 2)
    }

    @Test func foundBlockRestartsAtOnceAndItsTipEventDoesNotRestartAgain() {
        var c = Controller(refreshInterval: Self.interval)
        _ = c.start(now: Self.t0)
        c.jobBased(id: 1, previousHash: Self.tipA)
        let end = MiningJobEnd.submitted(blockHash: Self.tipB, result: .connected(height: 2, disconnected: 0))
        #expect(c.jobEnded(id: 1, end, now: Self.at(1)) == .startJob(id: 2, includeTransfers: true))
        #expect(c.tipChanged(Self.tipB, now: Self.at(2)) == nil)
    }

    @Test func refusedBlockMinesWithoutTransfersUntilTheMempoolOrTipChanges() {
        var c = Controller(refreshInterval: Self.interval)
        _ = c.start(now: Self.t0)
        let refused = MiningJobEnd.submitted(blockHash: Self.tipB, result: .invalid(.rule(.merkleRootMismatch)))
        #expect(c.jobEnded(id: 1, refused, now: Self.at(1)) == .startJob(id: 2, includeTransfers: false))
        #expect(c.jobEnded(id: 2, refused, now: Self.at(2)) == .startJob(id: 3, includeTransfers: false))
        #expect(c.mempoolChanged(now: Self.at(5_000)) == .startJob(id: 4, includeTransfers: true))
        _ = c.jobEnded(id: 4, refused, now: Self.at(5_001))
        #expect(c.tipChanged(Self.tipA, now: Self.at(5_002)) == .startJob(id: 6, includeTransfers: true))
    }

    @Test func mempoolChangeAfterTheIntervalRefreshesAtOnce() {
        var c = Controller(refreshInterval: Self.interval)
        _ = c.start(now: Self.t0)
        c.jobBased(id: 1, previousHash: Self.tipA)
        #expect(c.mempoolChanged(now: Self.at(2_000)) == .startJob(id: 2, includeTransfers: true))
        // The refreshed job still counts as building on tip A.
        #expect(c.tipChanged(Self.tipA, now: Self.at(2_001)) == nil)
    }

    @Test func mempoolChangesWithinTheIntervalWaitForOneTimer() {
        var c = Controller(refreshInterval: Self.interval)
        _ = c.start(now: Self.t0)
        #expect(c.mempoolChanged(now: Self.at(100)) == .armRefreshTimer(deadline: Self.at(2_000)))
        #expect(c.mempoolChanged(now: Self.at(500)) == nil)
        #expect(c.mempoolChanged(now: Self.at(1_999)) == nil)
        #expect(c.refreshTimerFired(now: Self.at(2_000)) == .startJob(id: 2, includeTransfers: true))
        // Nothing pending: the next timer does nothing.
        #expect(c.refreshTimerFired(now: Self.at(4_000)) == nil)
    }

    @Test func tipJobServesAPendingRefreshAndPushesTheNextOneBack() {
        var c = Controller(refreshInterval: Self.interval)
        _ = c.start(now: Self.t0)
        #expect(c.mempoolChanged(now: Self.at(100)) == .armRefreshTimer(deadline: Self.at(2_000)))
        #expect(c.tipChanged(Self.tipA, now: Self.at(1_000)) == .startJob(id: 2, includeTransfers: true))
        #expect(c.refreshTimerFired(now: Self.at(2_000)) == nil)  // the tip job read the mempool already
        #expect(c.mempoolChanged(now: Self.at(2_100)) == .armRefreshTimer(deadline: Self.at(3_000)))
        #expect(c.refreshTimerFired(now: Self.at(3_000)) == .startJob(id: 3, includeTransfers: true))
    }

    /// A mempool change every 50 ms for a minute refreshes at most once per interval.
    @Test func refreshRateIsBoundedUnderAStormOfMempoolChanges() {
        var c = Controller(refreshInterval: Self.interval)
        _ = c.start(now: Self.t0)
        var starts: [ManualClock.Instant] = [Self.t0]
        var timer: ManualClock.Instant?
        for ms in stride(from: 50, through: 60_000, by: 50) {
            let now = Self.at(ms)
            var actions: [Controller.Action?] = []
            if let deadline = timer, deadline <= now {
                timer = nil
                actions.append(c.refreshTimerFired(now: now))
            }
            actions.append(c.mempoolChanged(now: now))
            for action in actions {
                switch action {
                case .startJob?: starts.append(now)
                case let .armRefreshTimer(deadline)?:
                    #expect(timer == nil, "only one timer at a time")
                    timer = deadline
                case .stopJob?, nil: break
                }
            }
        }
        for (a, b) in zip(starts, starts.dropFirst()) {
            #expect(a.duration(to: b) >= Self.interval)
        }
        #expect(starts.count == 31)  // t = 0, 2, 4, ..., 60 s
    }
}
