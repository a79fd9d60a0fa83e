import ObolCore

/// Owns the pending transfers. A thin shell over `MempoolPool`: it reads
/// accounts from the chain, verifies signatures off its own executor, feeds
/// chain events to the pool and publishes what the pool reports, in order.
public actor MempoolActor {
    public nonisolated let params: ChainParams
    public nonisolated let config: MempoolConfig
    private let accounts: any AccountProvider
    private let clock: any NodeClock
    private nonisolated let hub = EventHub<MempoolEvent>()
    /// Verified transfers waiting to be admitted together.
    private nonisolated let admissions = AdmissionQueue()
    private var pool: MempoolPool
    /// Counts handled block events, so a call can tell whether one ran during its awaits.
    private var chainEventsHandled: UInt64 = 0
    private static let accountReadAttempts = 3
    /// The tip of the last `tipChanged` the mempool has processed: what its
    /// contents and templates are consistent with (senders are rebuilt at a
    /// later tip when the chain had already moved on; see `handle`).
    public private(set) var tip: ChainTip?

    public init(params: ChainParams, accounts: any AccountProvider, config: MempoolConfig = .init(),
                clock: any NodeClock = SystemClock()) {
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
    /// waiting for the actor (`AdmissionQueue`): concurrent submissions are
    /// admitted together, in arrival order, with one account read, and every
    /// other rule is checked against the pool as it is after that read.
    public nonisolated func submit(_ transfer: Transfer) async -> Result<Hash256, MempoolRejection> {
        do {
            try TransferRules.checkSanity(transfer, params: params)
        } catch {
            return .failure(.invalid(error))
        }
        guard transfer.hasValidSignature else { return .failure(.invalid(.invalidSignature(transfer.id))) }
        let (slot, drain) = admissions.arrive(transfer)
        if drain {
            while let batch = admissions.take() {
                let verdicts = await admit(checked: batch.map(\.0), failures: [:])
                for ((_, waiting), verdict) in zip(batch, verdicts) { waiting.deliver(verdict) }
            }
        }
        return await slot.verdict
    }

    /// Offers many transfers at once, as a peer's relay message or a batch
    /// from a wallet brings them: stateless rules and signatures are checked
    /// on every core (`workers` tasks), then the valid ones are admitted in
    /// one actor call with one account read for all their senders. The
    /// results are in the order of `transfers`; admission runs in that
    /// order too, so a sender's nonce chain may come in one batch.
    public nonisolated func submit(contentsOf transfers: [Transfer],
                                   workers: Int = ProcessInfoCores.active) async -> [Result<Hash256, MempoolRejection>] {
        let checked = await TransferBatchChecker.check(transfers, params: params, workers: workers)
        return await admit(checked: transfers, failures: checked)
    }

    /// The actor's part of both submits: every rule but the stateless ones and
    /// the signature (`failures` holds the transfers that failed those).
    private func admit(checked transfers: [Transfer],
                       failures: [Int: MempoolRejection]) async -> [Result<Hash256, MempoolRejection>] {
        var results = [Result<Hash256, MempoolRejection>?](repeating: nil, count: transfers.count)
        var senders = Set<Address>()
        for (i, transfer) in transfers.enumerated() {
            if let failure = failures[i] {
                results[i] = .failure(failure)
            } else {
                senders.insert(transfer.senderAddress)
            }
        }
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
        for (i, transfer) in transfers.enumerated() where results[i] == nil {
            do {
                // `add` runs `precheck` (duplicate, stateless rules) first. Pending
                // transfers of the sender (earlier in this batch too) count.
                let events = try pool.add(transfer, account: accounts[transfer.senderAddress] ?? .empty, now: now,
                                          signature: .verified)
                if !current { pool.markForRevalidation(transfer.senderAddress) }
                publish(events)
                results[i] = .success(transfer.id)
            } catch {
                results[i] = .failure(error)
            }
        }
        return results.map { $0! }
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
            break
        case let .tipChanged(newTip):
            tip = newTip
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

    /// Follows the chain until `events` ends or the task is cancelled, and
    /// expires old transfers every `config.expiryCheckInterval` in between.
    /// `events` should buffer without bound: no disconnected block may be missed.
    /// Finishes every subscriber's stream when it returns.
    /// - Parameter afterEach: called once an event is fully handled; the node
    ///   uses it to tell the miner about a tip only when the mempool's template
    ///   already reflects that tip.
    public func run(events: AsyncStream<ChainEvent>,
                    afterEach: @Sendable (ChainEvent) -> Void = { _ in }) async {
        let interval = config.expiryCheckInterval
        // Until the first `tipChanged`, maturity is reckoned at the chain's next height.
        if pool.nextHeight == nil, let height = await accounts.nextBlockHeight(), pool.nextHeight == nil {
            pool.nextHeight = height
        }
        await withDiscardingTaskGroup { group in
            group.addTask {
                while true {
                    do {
                        try await Task.sleep(for: interval)
                    } catch {
                        return
                    }
                    await self.expire()
                }
            }
            for await event in events {
                await handle(event)
                afterEach(event)
            }
            group.cancelAll()
        }
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

    /// Every mempool event from now on: `.accepted` and `.removed`, in order.
    public nonisolated func subscribe(
        bufferingPolicy: AsyncStream<MempoolEvent>.Continuation.BufferingPolicy = .unbounded
    ) -> AsyncStream<MempoolEvent> {
        hub.subscribe(bufferingPolicy: bufferingPolicy)
    }

    private func publish(_ events: [MempoolEvent]) {
        for event in events { hub.publish(event) }
    }
}
