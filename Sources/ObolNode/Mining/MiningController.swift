import ObolCore

/// The miner's decisions as a pure state machine: which job runs, when a job
/// is replaced, and when a mempool change may refresh the template. `Miner`
/// feeds it inputs and carries out the action it returns.
///
/// Rules:
/// - A new tip replaces the job at once, unless the job is known to build on
///   that tip already (our own block, reported both by `submit` and the tip stream).
/// - A found block replaces the job at once (the tip stream may lag).
/// - A mempool change refreshes the template at most once per
///   `refreshInterval` since the last template of any kind; a change that
///   comes sooner is remembered and served when the interval is up.
/// - After our own block was refused as invalid, the next jobs mine no
///   transfers until the mempool or the tip changes (a stale or bad template
///   must not make us spin).
struct MiningController<Instant: InstantProtocol>: Sendable where Instant.Duration == Duration {
    enum Action: Sendable, Equatable {
        /// Stop the current job, if any, and start job `id`.
        case startJob(id: Int, includeTransfers: Bool)
        /// Call `refreshTimerFired` at `deadline`.
        case armRefreshTimer(deadline: Instant)
    }

    let refreshInterval: Duration

    /// The running job's id (0 before the first).
    private(set) var jobID = 0
    /// The tip the running job builds on, once it has read its context;
    /// before that, a tip already applied when the job started.
    private var jobBase: Hash256?
    private var lastTemplate: Instant?
    private var refreshPending = false
    private var timerArmed = false
    private var includeTransfers = true

    init(refreshInterval: Duration) {
        self.refreshInterval = refreshInterval
    }

    /// Mining begins.
    mutating func start(now: Instant) -> Action {
        startJob(now: now, base: nil)
    }

    /// The best tip is now `tip`.
    mutating func tipChanged(_ tip: Hash256, now: Instant) -> Action? {
        if jobID != 0, jobBase == tip { return nil }
        includeTransfers = true
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
        guard id == jobID else { return nil }  // already replaced
        switch end {
        case let .submitted(blockHash, result):
            var base: Hash256?
            switch result {
            case .connected: base = blockHash
            case .invalid: includeTransfers = false
            case .sideBranch, .orphan, .headerOnly, .duplicate: break
            }
            return startJob(now: now, base: base)
        case .stopped:
            // Only a stop we asked for ends a job without a block, and that
            // job was replaced first; nothing to do.
            return nil
        }
    }

    private mutating func refreshIfDue(now: Instant) -> Action? {
        guard refreshPending else { return nil }
        if let last = lastTemplate, now < last.advanced(by: refreshInterval) {
            guard !timerArmed else { return nil }
            timerArmed = true
            return .armRefreshTimer(deadline: last.advanced(by: refreshInterval))
        }
        includeTransfers = true
        return startJob(now: now, base: jobBase)
    }

    private mutating func startJob(now: Instant, base: Hash256?) -> Action {
        jobID += 1
        jobBase = base
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
