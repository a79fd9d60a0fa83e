import Logging
import Metrics
import ObolCore
import Synchronization

/// Mines blocks on the best tip: builds a template, runs proof of work on
/// `config.threads` dedicated threads, submits what it finds, and starts
/// over whenever the tip changes, a block is found, or (at a bounded rate)
/// the mempool changes. A new tip stops the running job within one scan
/// chunk; in the node, the next job starts once the mempool has handled that
/// tip (`run(tips:mempoolTips:mempoolChanges:)`).
///
/// It owns nothing but the current job. The chain and the mempool are reached
/// through the closures given to `init`, so the miner is tested without them.
public final class Miner: Sendable {
    /// Test hooks; the public init leaves them inert.
    struct Hooks: Sendable {
        /// The nonces a job round splits between its workers.
        var nonceSpace: ClosedRange<UInt64> = NoncePartition.fullSpace
        /// Called on the worker thread before each chunk (the worker looks at
        /// the stop flag again after it returns).
        var onScanChunk: (@Sendable (ScanChunk) -> Void)?
        /// Called when the run loop asks job `id` to stop (a new tip, a
        /// replacement, the end of the run).
        var onStopRequested: (@Sendable (Int) -> Void)?
    }

    private struct State {
        var stats = MinerStats()
        /// Whether the wrong clock was reported (once per miner).
        var clockWarned = false
        var meter = HashRateMeter()
        /// The newest job that reported its start (a replaced job may report late).
        var newestJobID = 0
    }

    /// What the run loop reacts to.
    private enum Input: Sendable {
        case tip(Hash256)
        case tipsEnded
        case mempoolTip(Hash256)
        case mempoolChanged
        case refreshTimerFired
        case jobBased(id: Int, previousHash: Hash256)
        case jobEnded(id: Int, MiningJobEnd)
    }

    /// For tests, which do not import Logging.
    static var defaultLogger: Logger { Logger(label: "obol.miner") }

    public let params: ChainParams
    public let config: MinerConfig
    let clock: any NodeClock
    let logger: Logger
    let context: @Sendable () async -> MiningContext
    let transfers: @Sendable (_ maxCount: Int, _ maxBytes: Int) async -> [Transfer]
    let submit: @Sendable (Block) async -> SubmitResult
    let hooks: Hooks
    private let metrics: MinerMetrics
    private let state = Mutex(State())
    private let events = EventHub<MinerEvent>()
    private let isRunning = Atomic<Bool>(false)

    /// - Parameters:
    ///   - clock: wall-clock seconds for block timestamps; its monotonic reading
    ///     measures and sleeps out `templateRefreshInterval` (a manual clock in tests).
    ///   - context: what the next block builds on (from `ChainActor`).
    ///   - transfers: the mempool's block template, at most `maxCount` transfers in `maxBytes` bytes.
    ///   - submit: hands a found block to the chain.
    ///   - metrics: makes the hash counter and the hash-rate gauge (`docs/OPERATIONS.md`).
    public convenience init(params: ChainParams, config: MinerConfig, clock: any NodeClock,
                            logger: Logger = Logger(label: "obol.miner"),
                            metrics: any MetricsFactory = MetricsSystem.factory,
                            context: @escaping @Sendable () async -> MiningContext,
                            transfers: @escaping @Sendable (_ maxCount: Int, _ maxBytes: Int) async -> [Transfer],
                            submit: @escaping @Sendable (Block) async -> SubmitResult) {
        self.init(params: params, config: config, clock: clock, logger: logger, hooks: Hooks(), metrics: metrics,
                  context: context, transfers: transfers, submit: submit)
    }

    init(params: ChainParams, config: MinerConfig, clock: any NodeClock,
         logger: Logger, hooks: Hooks, metrics: any MetricsFactory = MetricsSystem.factory,
         context: @escaping @Sendable () async -> MiningContext,
         transfers: @escaping @Sendable (_ maxCount: Int, _ maxBytes: Int) async -> [Transfer],
         submit: @escaping @Sendable (Block) async -> SubmitResult) {
        self.metrics = MinerMetrics(factory: metrics)
        self.params = params
        self.config = config
        self.clock = clock
        self.logger = logger
        self.hooks = hooks
        self.context = context
        self.transfers = transfers
        self.submit = submit
    }

    /// Hashes per second over the last few seconds.
    public var hashRate: Double {
        state.withLock { $0.meter.rate(at: .now) }
    }

    public var stats: MinerStats {
        state.withLock { s in
            var stats = s.stats
            stats.totalHashes = s.meter.total
            return stats
        }
    }

    /// A stream of what the miner does from now on. Events are rare (a few
    /// per job); the newest `limit` are kept for a slow reader.
    public func subscribe(limit: Int = 1024) -> AsyncStream<MinerEvent> {
        events.subscribe(bufferingPolicy: .bufferingNewest(limit))
    }

    /// Mines until cancelled, or until `tips` finishes. One run at a time:
    /// a second concurrent call returns at once. A new tip replaces the job at once.
    ///
    /// - Parameters:
    ///   - tips: a value whenever the best tip changes (`.bufferingNewest(1)`).
    ///   - mempoolChanges: a value whenever the mempool changed (`.bufferingNewest(1)`).
    public func run(tips: AsyncStream<Hash256>, mempoolChanges: AsyncStream<Void>) async {
        await run(tips: tips, mempoolTips: nil, mempoolChanges: mempoolChanges)
    }

    /// Mines as `run(tips:mempoolChanges:)`, except that a new tip only stops
    /// the job (within one scan chunk), and the next job starts once the
    /// mempool reports the same tip in `mempoolTips`: its template then holds
    /// no transfer that the tip confirmed.
    ///
    /// - Parameters:
    ///   - tips: the chain's tips, straight from its events (the node subscribes
    ///     with `.bufferingNewest(1)`, keeping only `tipChanged`).
    ///   - mempoolTips: the tips the mempool has handled (`.bufferingNewest(1)`).
    public func run(tips: AsyncStream<Hash256>, mempoolTips: AsyncStream<Hash256>?,
                    mempoolChanges: AsyncStream<Void>) async {
        guard isRunning.compareExchange(expected: false, desired: true, ordering: .acquiringAndReleasing).exchanged else {
            logger.error("Miner.run called while already running; ignoring")
            return
        }
        defer { isRunning.store(false, ordering: .releasing) }
        await run(tips: tips, mempoolTips: mempoolTips, mempoolChanges: mempoolChanges, timer: clock.timer)
    }

    private func run<C: Clock>(tips: AsyncStream<Hash256>, mempoolTips: AsyncStream<Hash256>?,
                               mempoolChanges: AsyncStream<Void>, timer: C) async
        where C.Duration == Duration
    {
        let (inputs, input) = AsyncStream<Input>.makeStream()
        var controller = MiningController<C.Instant>(refreshInterval: config.templateRefreshInterval,
                                                     waitsForMempool: mempoolTips != nil)
        await withDiscardingTaskGroup { group in
            group.addTask {
                for await tip in tips { input.yield(.tip(tip)) }
                input.yield(.tipsEnded)
            }
            if let mempoolTips {
                group.addTask {
                    for await tip in mempoolTips { input.yield(.mempoolTip(tip)) }
                }
            }
            group.addTask {
                for await _ in mempoolChanges { input.yield(.mempoolChanged) }
            }
            var running: (id: Int, control: JobControl)?
            var action: MiningController<C.Instant>.Action? = controller.start(now: timer.now)
            var iterator = inputs.makeAsyncIterator()
            loop: while true {
                switch action {
                case let .startJob(id, includeTransfers)?:
                    if let running { self.requestStop(running) }
                    let control = JobControl()
                    running = (id, control)
                    let base = controller.expectedBase
                    group.addTask {
                        let end = await self.runJob(id: id, includeTransfers: includeTransfers, expectedBase: base,
                                                    control: control) {
                            input.yield(.jobBased(id: id, previousHash: $0))
                        }
                        input.yield(.jobEnded(id: id, end))
                    }
                case .stopJob?:
                    if let running { self.requestStop(running) }
                    running = nil
                    state.withLock { $0.stats.currentJobHeight = nil }
                case let .armRefreshTimer(deadline)?:
                    group.addTask {
                        guard (try? await timer.sleep(until: deadline, tolerance: nil)) != nil else { return }
                        input.yield(.refreshTimerFired)
                    }
                case nil:
                    break
                }
                // nil here means this task was cancelled.
                guard let next = await iterator.next() else { break loop }
                let now = timer.now
                switch next {
                case let .tip(tip): action = controller.tipChanged(tip, now: now)
                case .tipsEnded: break loop
                case let .mempoolTip(tip): action = controller.mempoolCaughtUp(tip, now: now)
                case .mempoolChanged: action = controller.mempoolChanged(now: now)
                case .refreshTimerFired: action = controller.refreshTimerFired(now: now)
                case let .jobBased(id, previousHash):
                    controller.jobBased(id: id, previousHash: previousHash)
                    action = nil
                case let .jobEnded(id, end): action = controller.jobEnded(id: id, end, now: now)
                }
            }
            if let running { self.requestStop(running) }
            input.finish()
            group.cancelAll()
        }
        state.withLock { $0.stats.currentJobHeight = nil }
        metrics.stopped()
    }

    private func requestStop(_ job: (id: Int, control: JobControl)) {
        job.control.requestStop()
        hooks.onStopRequested?(job.id)
    }

    /// Says once, clearly, that the system clock is too far behind the chain for any block to be valid.
    func warnClockBehind(_ context: MiningContext, by seconds: UInt64) {
        let first = state.withLock { s in
            defer { s.clockWarned = true }
            return !s.clockWarned
        }
        guard first else { return }
        let message = "the system clock is wrong: it reads \(clock.now()) (seconds since 1970), \(seconds) s too early "
            + "for a block after this chain's tip (the earliest valid timestamp is \(context.minimumTimestamp), "
            + "and blocks may be at most \(params.maxFutureDrift) s ahead of the clock). Mining waits until "
            + "the clock is set right."
        logger.error("\(message)")
    }

    func publish(_ event: MinerEvent) {
        events.publish(event)
    }

    func jobStarted(id: Int, height: UInt64) {
        state.withLock {
            $0.stats.jobsStarted += 1
            guard id >= $0.newestJobID else { return }
            $0.newestJobID = id
            $0.stats.currentJobHeight = height
        }
    }

    func blockFound(_ result: SubmitResult) {
        state.withLock {
            $0.stats.blocksFound += 1
            if case .connected = result { $0.stats.blocksConnected += 1 }
        }
    }

    /// Called by the workers after each chunk.
    func recordHashes(_ count: UInt64) {
        let now = ContinuousClock.now
        let rate: Double? = state.withLock { $0.meter.add(count, at: now) ? $0.meter.rate(at: now) : nil }
        metrics.hashed(count, rate: rate)
    }
}
