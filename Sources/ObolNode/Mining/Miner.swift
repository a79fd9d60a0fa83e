import Logging
import ObolCore
import Synchronization

/// Mines blocks on the best tip: builds a template, runs proof of work on
/// `config.threads` dedicated threads, submits what it finds, and starts
/// over whenever the tip changes, a block is found, or (at a bounded rate)
/// the mempool changes.
///
/// It owns nothing but the current job. The chain and the mempool are reached
/// through the closures given to `init`, so the miner is tested without them.
public final class Miner: Sendable {
    /// Test hooks; the public init leaves them inert.
    struct Hooks: Sendable {
        /// The nonces a job round splits between its workers.
        var nonceSpace: ClosedRange<UInt64> = NoncePartition.fullSpace
        /// Called on the worker thread before each chunk.
        var onScanChunk: (@Sendable (ScanChunk) -> Void)?
    }

    private struct State {
        var stats = MinerStats()
        var meter = HashRateMeter()
        /// The newest job that reported its start (a replaced job may report late).
        var newestJobID = 0
    }

    /// What the run loop reacts to.
    private enum Input: Sendable {
        case tip(Hash256)
        case tipsEnded
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
    let timer: any Clock<Duration>
    let logger: Logger
    let context: @Sendable () async -> MiningContext
    let transfers: @Sendable (_ maxCount: Int, _ maxBytes: Int) async -> [Transfer]
    let submit: @Sendable (Block) async -> SubmitResult
    let hooks: Hooks
    private let state = Mutex(State())
    private let events = EventHub<MinerEvent>()
    private let isRunning = Atomic<Bool>(false)

    /// - Parameters:
    ///   - clock: wall-clock seconds for block timestamps.
    ///   - timer: measures and sleeps out `templateRefreshInterval` (a manual clock in tests).
    ///   - context: what the next block builds on (from `ChainActor`).
    ///   - transfers: the mempool's block template, at most `maxCount` transfers in `maxBytes` bytes.
    ///   - submit: hands a found block to the chain.
    public convenience init(params: ChainParams, config: MinerConfig, clock: any NodeClock,
                            timer: any Clock<Duration> = ContinuousClock(),
                            logger: Logger = Logger(label: "obol.miner"),
                            context: @escaping @Sendable () async -> MiningContext,
                            transfers: @escaping @Sendable (_ maxCount: Int, _ maxBytes: Int) async -> [Transfer],
                            submit: @escaping @Sendable (Block) async -> SubmitResult) {
        self.init(params: params, config: config, clock: clock, timer: timer, logger: logger, hooks: Hooks(),
                  context: context, transfers: transfers, submit: submit)
    }

    init(params: ChainParams, config: MinerConfig, clock: any NodeClock, timer: any Clock<Duration>,
         logger: Logger, hooks: Hooks,
         context: @escaping @Sendable () async -> MiningContext,
         transfers: @escaping @Sendable (_ maxCount: Int, _ maxBytes: Int) async -> [Transfer],
         submit: @escaping @Sendable (Block) async -> SubmitResult) {
        self.params = params
        self.config = config
        self.clock = clock
        self.timer = timer
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
    /// a second concurrent call returns at once.
    ///
    /// - Parameters:
    ///   - tips: a value whenever the best tip changes (the node maps
    ///     `ChainEvent.tipChanged` into it with `.bufferingNewest(1)`).
    ///   - mempoolChanges: a value whenever the mempool changed (`.bufferingNewest(1)`).
    public func run(tips: AsyncStream<Hash256>, mempoolChanges: AsyncStream<Void>) async {
        guard isRunning.compareExchange(expected: false, desired: true, ordering: .acquiringAndReleasing).exchanged else {
            logger.error("Miner.run called while already running; ignoring")
            return
        }
        defer { isRunning.store(false, ordering: .releasing) }
        await run(tips: tips, mempoolChanges: mempoolChanges, timer: timer)
    }

    private func run<C: Clock>(tips: AsyncStream<Hash256>, mempoolChanges: AsyncStream<Void>, timer: C) async
        where C.Duration == Duration
    {
        let (inputs, input) = AsyncStream<Input>.makeStream()
        var controller = MiningController<C.Instant>(refreshInterval: config.templateRefreshInterval)
        await withDiscardingTaskGroup { group in
            group.addTask {
                for await tip in tips { input.yield(.tip(tip)) }
                input.yield(.tipsEnded)
            }
            group.addTask {
                for await _ in mempoolChanges { input.yield(.mempoolChanged) }
            }
            var running: JobControl?
            var action: MiningController<C.Instant>.Action? = controller.start(now: timer.now)
            var iterator = inputs.makeAsyncIterator()
            loop: while true {
                switch action {
                case let .startJob(id, includeTransfers)?:
                    running?.requestStop()
                    let control = JobControl()
                    running = control
                    group.addTask {
                        let end = await self.runJob(id: id, includeTransfers: includeTransfers, control: control) {
                            input.yield(.jobBased(id: id, previousHash: $0))
                        }
                        input.yield(.jobEnded(id: id, end))
                    }
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
                case .mempoolChanged: action = controller.mempoolChanged(now: now)
                case .refreshTimerFired: action = controller.refreshTimerFired(now: now)
                case let .jobBased(id, previousHash):
                    controller.jobBased(id: id, previousHash: previousHash)
                    action = nil
                case let .jobEnded(id, end): action = controller.jobEnded(id: id, end, now: now)
                }
            }
            running?.requestStop()
            input.finish()
            group.cancelAll()
        }
        state.withLock { $0.stats.currentJobHeight = nil }
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
        state.withLock { $0.meter.add(count, at: now) }
    }
}
