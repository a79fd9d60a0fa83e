import ObolCore

/// The miner's decisions as a pure state machine: which job runs, when a job
/// is stopped or replaced, and when a mempool change may refresh the template.
/// `Miner` feeds it inputs and carries out the action it returns.
///
/// Rules:
/// - A new tip stops the job at once, unless the job is known to build on
///   that tip already (our own block, reported both by `submit` and the tip stream).
/// - Stopping is not restarting. When the controller waits for the mempool
///   (`waitsForMempool`, the node's case), the next job starts only once the
///   mempool reports that it has handled that tip (`mempoolCaughtUp`), so its
///   template never carries transfers the tip confirmed; until then no job
///   runs. Without the mempool's reports, a new tip replaces the job at once.
/// - A found block ends the job; the next one starts at once (the tip stream
///   may lag), or, when waiting for the mempool, once it has caught up to our block.
/// - A mempool change refreshes the template at most once per
///   `refreshInterval` since the last template of any kind; a change that
///   comes sooner is remembered and served when the interval is up (or by the next job).
/// - After our own block was refused as invalid, the next jobs mine no
///   transfers until the mempool or the tip changes (a stale or bad template
///   must not make us spin).
struct MiningController<Instant: InstantProtocol>: Sendable where Instant.Duration == Duration {
    enum Action: Sendable, Equatable {
        /// Stop the current job, if any, and start job `id`.
        case startJob(id: Int, includeTransfers: Bool)
        /// Stop job `id`; no job runs until a later `.startJob`.
        case stopJob(id: Int)
        /// Call `refreshTimerFired` at `deadline`.
        case armRefreshTimer(deadline: Instant)
    }

    let refreshInterval: Duration
    let waitsForMempool: Bool

    /// The newest job's id (0 before the first).
    private(set) var jobID = 0
    /// Whether job `jobID` runs (it was neither stopped nor has it ended).
    private(set) var isJobRunning = false
    /// The tip the newest job must build on, when it was started for a known
    /// tip while waiting for the mempool: a job whose context is another tip
    /// (the chain moved on meanwhile) should not mine.
    private(set) var expectedBase: Hash256?
    /// The tip the running job builds on, once it has read its context;
    /// before that, a tip already applied when the job started.
    private var jobBase: Hash256?
    /// The newest tip the chain reported (or our own connected block).
    private var chainTip: Hash256?
    /// The newest tip the mempool has handled.
    private var mempoolTip: Hash256?
    private var lastTemplate: Instant?
    private var refreshPending = false
    private var timerArmed = false
    private var includeTransfers = true

    init(refreshInterval: Duration, waitsForMempool: Bool = false) {
        self.refreshInterval = refreshInterval
        self.waitsForMempool = waitsForMempool
    }

    /// Mining begins.
    mutating func start(now: Instant) -> Action {
        startJob(now: now, base: nil)
    }

    /// The best tip is now `tip`.
    mutating func tipChanged(_ tip: Hash256, now: Instant) -> Action? {
        chainTip = tip
        if isJobRunning, jobBase == tip { return nil }
        includeTransfers = true
        if !waitsForMempool || mempoolTip == tip { return startJob(now: now, base: tip) }
        return stopJob()
    }

    /// The mempool has handled `tip`: a template for it is current.
    mutating func mempoolCaughtUp(_ tip: Hash256, now: Instant) -> Action? {
        mempoolTip = tip
        guard waitsForMempool, tip == chainTip, !(isJobRunning && jobBase == tip) else { return nil }
        return startJob(now: now, base: tip)
    }

    /// The running job read its context: it builds on `previousHash`.
    mutating func jobBased(id: Int, previousHash: Hash256) {
        guard id == jobID else { return }
        jobBase = previousHash
    }

    /// The mempool changed.
    mutating func mempoolChanged(now: Instant) -> Action? {
        refreshPending = true
        return refreshIfDue(now: now)
    }

    /// The timer armed by `.armRefreshTimer` went off.
    mutating func refreshTimerFired(now: Instant) -> Action? {
        timerArmed = false
        return refreshIfDue(now: now)
    }

    /// Job `id` ended.
    mutating func jobEnded(id: Int, _ end: MiningJobEnd, now: Instant) -> Action? {
        guard id == jobID, isJobRunning else { return nil }  // already replaced or stopped
        isJobRunning = false
        switch end {
        case let .submitted(blockHash, result):
            var base: Hash256?
            switch result {
            case .connected:
                base = blockHash
                chainTip = blockHash
            case .invalid: includeTransfers = false
            case .sideBranch, .orphan, .headerOnly, .duplicate: break
            }
            // Waiting for the mempool: restart once it has handled the chain's tip.
            if waitsForMempool, let tip = chainTip, tip != jobBase || base != nil, mempoolTip != tip {
                jobBase = base
                return nil
            }
            // Our block lost: the next job expects the tip we know of, so a job
            // that finds the chain already on a newer tip (whose template the
            // mempool may not have caught up with) ends unmined, and that
            // tip's report starts the next one.
            return startJob(now: now, base: base ?? (waitsForMempool ? chainTip : nil))
        case .stopped:
            // A stop we asked for (the job was stopped or replaced first), or a
            // job that cannot mine (bad bits, a context off the expected tip):
            // the next tip starts the next job.
            return nil
        }
    }

    private mutating func refreshIfDue(now: Instant) -> Action? {
        guard refreshPending, isJobRunning else { return nil }
        if let last = lastTemplate, now < last.advanced(by: refreshInterval) {
            guard !timerArmed else { return nil }
            timerArmed = true
            return .armRefreshTimer(deadline: last.advanced(by: refreshInterval))
        }
        includeTransfers = true
        return startJob(now: now, base: jobBase)
    }

    private mutating func stopJob() -> Action? {
        guard isJobRunning else { return nil }
        isJobRunning = false
        return .stopJob(id: jobID)
    }

    private mutating func startJob(now: Instant, base: Hash256?) -> Action {
        jobID += 1
        isJobRunning = true
        jobBase = base
        expectedBase = waitsForMempool ? base : nil
        lastTemplate = now
        refreshPending = false
        return .startJob(id: jobID, includeTransfers: includeTransfers)
    }
}

/// How a mining job ended.
enum MiningJobEnd: Sendable, Equatable {
    /// It found a block and submitted it.
    case submitted(blockHash: Hash256, result: SubmitResult)
    /// It was stopped (or could not start) without a block.
    case stopped
}
