import Metrics
import ObolCore

/// Owns the pending transfers. A thin shell over `MempoolPool`: it reads
/// accounts from the chain, verifies signatures off its own executor, feeds
/// chain events to the pool and publishes what the pool reports, in order.
public actor MempoolActor {
    public nonisolated let params: ChainParams
    public nonisolated let config: MempoolConfig
    private let accounts: any AccountProvider
    private nonisolated let clock: any NodeClock
    private nonisolated let hub = EventHub<MempoolEvent>()
    /// Verified transfers waiting to be admitted together.
    private nonisolated let admissions = AdmissionQueue()
    private var pool: MempoolPool
    private nonisolated let metrics: MempoolMetrics
    /// Counts handled block events, so a call can tell whether one ran during its awaits.
    private var chainEventsHandled: UInt64 = 0
    private static let accountReadAttempts = 3
    /// The tip of the last `tipChanged` the mempool has processed: what its
    /// contents and templates are consistent with (senders are rebuilt at a
    /// later tip when the chain had already moved on; see `handle`).
    public private(set) var tip: ChainTip?
    /// How often the mempool resynchronized after missing chain events.
    public private(set) var resynchronizations = 0
    /// Admission batches run by the `run` loop (not by a submitter).
    private(set) var loopAdmissionBatches = 0

    /// `metrics` makes the size gauges and the admission counter (`docs/OPERATIONS.md`).
    public init(params: ChainParams, accounts: any AccountProvider, config: MempoolConfig = .init(),
                clock: any NodeClock = SystemClock(), metrics: any MetricsFactory = MetricsSystem.factory) {
        self.metrics = MempoolMetrics(factory: metrics)
        self.params = params
        self.config = config
        self.accounts = accounts
        self.clock = clock
        self.pool = MempoolPool(params: params, config: config)
    }

    // MARK: Commands

    /// Offers a transfer. Its stateless rules and its signature are checked
    /// first, on the caller's task and off the actor, so that submissions from
    /// many tasks verify on many cores at once. Then it joins the transfers
    /// waiting for admission (`AdmissionQueue`) and awaits its verdict:
    /// - while `run` is active, its loop admits everything waiting in one actor
    ///   call, between chain events;
    /// - with no `run` loop (an embedder or a test driving the actor by hand),
    ///   the caller that finds nobody admitting admits inline, everything waiting.
    /// Every other rule is checked against the pool as it is after one account
    /// read for all the senders of a batch. `origin` comes back in `.accepted`.
    public nonisolated func submit(_ transfer: Transfer, origin: Origin = .local) async -> Result<Hash256, MempoolRejection> {
        let result = await offer(transfer, origin: origin)
        metrics.admission(result)
        return result
    }

    private nonisolated func offer(_ transfer: Transfer, origin: Origin) async -> Result<Hash256, MempoolRejection> {
        do {
            try TransferRules.checkSanity(transfer, params: params)
        } catch {
            return .failure(.invalid(error))
        }
        guard transfer.hasValidSignature else { return .failure(.invalid(.invalidSignature(transfer.id))) }
        let (slots, drain) = admissions.arrive([(transfer, origin)])
        if drain { await drainAdmissions() }
        return await slots[0].verdict
    }

    /// Offers many transfers at once, as a peer's relay message or a batch
    /// from a wallet brings them: stateless rules and signatures are checked
    /// on every core (`workers` tasks), then the valid ones join the admission
    /// queue together, in the order of `transfers` (a sender's nonce chain may
    /// come in one batch). The results are in the order of `transfers`.
    public nonisolated func submit(contentsOf transfers: [Transfer], origin: Origin = .local,
                                   workers: Int = ProcessInfoCores.active) async -> [Result<Hash256, MempoolRejection>] {
        let failures = await TransferBatchChecker.check(transfers, params: params, workers: workers)
        let passed = transfers.indices.filter { failures[$0] == nil }
        var results = transfers.indices.map { failures[$0].map { Result<Hash256, MempoolRejection>.failure($0) } }
        if !passed.isEmpty {
            let (slots, drain) = admissions.arrive(passed.map { (transfers[$0], origin) })
            if drain { await drainAdmissions() }
            for (index, slot) in zip(passed, slots) { results[index] = await slot.verdict }
        }
        let verdicts = results.map { $0! }
        for verdict in verdicts { metrics.admission(verdict) }
        return verdicts
    }

    /// Admits everything waiting, batch after batch, until nothing waits.
    private nonisolated func drainAdmissions(byLoop: Bool = false) async {
        while let batch = admissions.take() {
            let verdicts = await admit(batch.map(\.transfer), origins: batch.map(\.origin), byLoop: byLoop)
            for (waiting, verdict) in zip(batch, verdicts) { waiting.slot.deliver(verdict) }
        }
    }

    /// The actor's part of admission: every rule but the stateless ones and the
    /// signature, which the submitters checked.
    private func admit(_ transfers: [Transfer], origins: [Origin],
                       byLoop: Bool) async -> [Result<Hash256, MempoolRejection>] {
        if byLoop { loopAdmissionBatches += 1 }
        let senders = Set(transfers.map(\.senderAddress))
        // An account read while chain events were being handled may predate the
        // pool's state (it could re-admit a transfer the pool just saw confirmed):
        // read again until no chain event ran in between.
        var accounts: [Address: Account] = [:]
        var current = senders.isEmpty
        for _ in 0..<Self.accountReadAttempts where !current {
            let seen = chainEventsHandled
            accounts = await self.accounts.accounts(Array(senders))
            current = seen == chainEventsHandled
        }
        let now = clock.now()
        var results: [Result<Hash256, MempoolRejection>] = []
        results.reserveCapacity(transfers.count)
        for (transfer, origin) in zip(transfers, origins) {
            do {
                // `add` runs `precheck` (duplicate, stateless rules) first. Pending
                // transfers of the sender (earlier in this batch too) count.
                let events = try pool.add(transfer, account: accounts[transfer.senderAddress] ?? .empty, now: now,
                                          signature: .verified, origin: origin)
                if !current { pool.markForRevalidation(transfer.senderAddress) }
                publish(events)
                results.append(.success(transfer.id))
            } catch {
                results.append(.failure(error))
            }
        }
        return results
    }

    /// Processes one chain event. Chain events must be handled in the order
    /// the chain published them (`run` does).
    public func handle(_ event: ChainEvent) async {
        switch event {
        case let .blockConnected(block, _, _):
            chainEventsHandled += 1
            publish(pool.blockConnected(block))
        case let .blockDisconnected(block, _):
            chainEventsHandled += 1
            pool.blockDisconnected(block)
        case .blockAccepted:
            // A side-branch block changes no account of the best chain.
            break
        case let .tipChanged(newTip):
            tip = newTip
            // Coins mature by height: after a move to a lower tip (a shorter,
            // heavier branch) pending spends may be immature again.
            if params.coinbaseMaturity > 0, let previous = pool.nextHeight, newTip.height + 1 < previous {
                pool.markAllForRevalidation()
            }
            pool.nextHeight = newTip.height + 1
            let addresses = pool.addressesToRevalidate()
            var fresh: [Address: Account] = [:]
            if !addresses.isEmpty {
                // The chain may be events ahead of us: its state now is not the
                // state at `newTip`, and rebuilding from it would drop transfers
                // still valid at the tips in between (or call confirmed ones
                // invalid). Then the addresses stay marked: the chain publishes
                // `tipChanged` after every move, so a later one matches the read.
                let read = await accounts.accountsAtTip(addresses)
                if read.tip == nil || read.tip == newTip.hash { fresh = read.accounts }
            }
            // Submissions may have run during the await; `revalidate` works on the
            // pool as it is now and rebuilds each address from its fresh account.
            publish(pool.revalidate(accounts: fresh, now: clock.now()))
            expire()
        }
    }

    /// The mempool missed chain events (its bounded subscription dropped
    /// some): every sender is rebuilt from accounts read at the next tip it
    /// handles (see `handle(.tipChanged)`). Transfers confirmed meanwhile go;
    /// transfers of blocks disconnected meanwhile are not put back (peers
    /// relay them again).
    public func resynchronize() {
        resynchronizations += 1
        pool.markAllForRevalidation()
    }

    /// Follows the chain until `events` ends or the task is cancelled; in
    /// between, admits the transfers that submitters queue (in batches, between
    /// chain events) and expires old transfers every `config.expiryCheckInterval`
    /// of the injected clock. When `drops` (from `EventHub.subscribeCountingDrops`)
    /// reports that `events` dropped some, the mempool `resynchronize`s.
    /// On return, transfers still queued are admitted by the loop's caller,
    /// later ones inline by their submitters, and every subscriber's stream finishes.
    /// - Parameter afterEach: called once an event is fully handled; the node
    ///   uses it to tell the miner which tip the mempool's template reflects.
    public func run(events: AsyncStream<ChainEvent>, drops: EventDrops? = nil,
                    afterEach: @Sendable (ChainEvent) -> Void = { _ in }) async {
        let interval = config.expiryCheckInterval
        // Until the first `tipChanged`, maturity is reckoned at the chain's next height.
        if pool.nextHeight == nil, let height = await accounts.nextBlockHeight(), pool.nextHeight == nil {
            pool.nextHeight = height
        }
        let wakeups = admissions.attachLoop()
        await withDiscardingTaskGroup { group in
            group.addTask {
                while true {
                    do {
                        try await self.clock.sleep(for: interval)
                    } catch {
                        return
                    }
                    await self.expire()
                }
            }
            if let wakeups {
                group.addTask {
                    for await _ in wakeups { await self.drainAdmissions(byLoop: true) }
                }
            }
            for await event in events {
                // Every drop happens in a burst that ends with a `tipChanged`
                // (the newest event, which a newest-first buffer keeps): checking
                // before each event marks the senders before that tip is handled.
                if let drops, drops.take() > 0 { resynchronize() }
                await handle(event)
                afterEach(event)
            }
            group.cancelAll()
        }
        if wakeups != nil, admissions.detachLoop() { await drainAdmissions() }
        hub.finish()
    }

    /// Removes transfers older than `config.expiry` seconds by the injected clock.
    public func expire() {
        publish(pool.expire(now: clock.now()))
    }

    // MARK: Queries

    /// Transfers for the next block on `tip`; see `MempoolPool.template`.
    public func template(maxCount: Int, maxBytes: Int) -> [Transfer] {
        pool.template(maxCount: maxCount, maxBytes: maxBytes)
    }

    public func transfer(_ id: Hash256) -> Transfer? { pool.transfer(id) }

    /// The pending transfers with these full hashes (how peers name transfers), in order, skipping the rest.
    public func transfers(fullHashes: [Hash256]) -> [Transfer] { fullHashes.compactMap { pool.transfer(fullHash: $0) } }

    /// The full hashes among `fullHashes` that are not pending.
    public func missing(fullHashes: [Hash256]) -> [Hash256] { fullHashes.filter { !pool.contains(fullHash: $0) } }

    public var count: Int { pool.count }

    public var totalBytes: Int { pool.totalBytes }

    /// Every pending transfer, highest fee rate first.
    public func all() -> [Transfer] { pool.all() }

    /// How many transfers are pending, and the first `limit` of them in
    /// `all()`'s order, read at one moment (see `MempoolPool.best`).
    public func listing(limit: Int) -> (count: Int, best: [Transfer]) { (pool.count, pool.best(limit: limit)) }

    /// At most `limit` pending transfers that `address` sends or receives; see
    /// `MempoolPool.involving`.
    public func involving(_ address: Address, limit: Int) -> [Transfer] { pool.involving(address, limit: limit) }

    /// A sender's pending transfers in nonce order.
    public func pending(from address: Address) -> [Transfer] { pool.pending(from: address) }

    /// The nonce the sender's next transfer should carry, counting pending ones.
    public func pendingNonce(for address: Address) async -> UInt64 {
        let account = await accounts.account(address)
        // The pool may have changed during the await; read it now.
        return pool.pendingNonce(for: address, account: account)
    }

    /// True when `id` is pending and its signature is known to be valid.
    public func isKnownValid(_ id: Hash256) -> Bool { pool.isKnownValid(id) }

    /// The ids among `ids` that are known valid: one call for a whole block.
    public func knownValid(_ ids: [Hash256]) -> Set<Hash256> { pool.knownValid(ids) }

    // MARK: Events

    /// Every mempool event from now on: `.accepted` and `.removed`, in order,
    /// through a buffer the caller chooses. The streams finish when `run` returns.
    public nonisolated func subscribe(
        bufferingPolicy: AsyncStream<MempoolEvent>.Continuation.BufferingPolicy
    ) -> AsyncStream<MempoolEvent> {
        hub.subscribe(bufferingPolicy: bufferingPolicy)
    }

    /// Calls `deliver` with every mempool event from now on, inside the pool's publishing (keep it
    /// short), and `onFinish` when the events end: for a reader merging them with other events.
    public nonisolated func subscribe(_ deliver: @escaping @Sendable (MempoolEvent) -> Void,
                                      onFinish: @escaping @Sendable () -> Void) -> EventSubscription {
        hub.subscribe(deliver, onFinish: onFinish)
    }

    /// Ends every subscriber's stream now (`run` does it when it returns).
    public nonisolated func finishEvents() { hub.finish() }

    /// Every change of the pool's contents is published through here: the size gauges follow it.
    private func publish(_ events: [MempoolEvent]) {
        guard !events.isEmpty else { return }
        for event in events { hub.publish(event) }
        reportSize()
    }

    private func reportSize() { metrics.size(count: pool.count, bytes: pool.totalBytes) }
}
