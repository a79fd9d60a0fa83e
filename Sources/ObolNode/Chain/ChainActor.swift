import Logging
import Metrics
import ObolCore

/// Owns the block tree, the best tip by most cumulative work, and the
/// account state at that tip (together a `ChainState`, a plain value that
/// decides; this actor carries out what it decides). Headers come in through
/// `submitHeaders` (ChainActor+Headers.swift), bodies through `submit`.
public actor ChainActor: AccountProvider {
    public nonisolated let params: ChainParams
    public nonisolated let events = EventHub<ChainEvent>()
    /// Every write goes through it, off the actor; reads of bodies and undo
    /// data too, so that they see what is queued.
    nonisolated let writer: StoreWriter
    let clock: any NodeClock
    let verifier: any BlockSignatureVerifier
    nonisolated let options: ChainOptions
    let logger: Logger
    let metrics: ChainMetrics

    var chain: ChainState
    /// Bodies whose parent is unknown.
    var orphans: OrphanPool
    /// Bodies whose header is known, not (yet) validated: their parent's body
    /// is missing, or their branch is not worth validating yet. Apart from the
    /// orphans, so that cheap orphans cannot push them out.
    var waiting: OrphanPool
    /// Recently refused block hashes (bounded), answered without re-validation.
    var recentlyInvalid: Set<Hash256> = []
    /// Blocks whose bodies are being validated right now (across the
    /// signature await), with the callers waiting for the outcome: another
    /// copy waits, then looks again, so a tampered copy that fails frees the
    /// slot for the genuine one.
    var inFlight: [Hash256: [CheckedContinuation<Void, Never>]] = [:]
    /// Blocks connected since the last scan for dead branches.
    var connectsSinceDeadScan = 0
    /// Tip moves that only connect blocks, merged, not yet handed to the
    /// writer (see ChainActor+WriteBehind.swift).
    var unwritten: TipUpdate?
    /// When tip moves were last handed to the writer (`clock.elapsed()`).
    var lastWrite: Duration = .zero

    /// Opens the chain from `store`, writing genesis first if the store is new.
    /// Loading re-verifies nothing and is linear in the chain's length.
    /// `metrics` makes the chain's and its store writer's metrics (`docs/OPERATIONS.md`).
    public init(params: ChainParams, store: any ChainStore, clock: any NodeClock = SystemClock(),
                verifier: any BlockSignatureVerifier = SerialSignatureVerifier(),
                options: ChainOptions = .init(), logger: Logger = Logger(label: "obol.chain"),
                metrics: any MetricsFactory = MetricsSystem.factory) throws {
        self.params = params
        self.clock = clock
        self.verifier = verifier
        self.options = options
        self.logger = logger
        self.metrics = ChainMetrics(factory: metrics)
        orphans = OrphanPool(capacity: options.orphanCapacity)
        waiting = OrphanPool(capacity: options.waitingBodyCapacity, byteBudget: options.waitingBodyBytes,
                             eviction: .highest)
        writer = StoreWriter(store: store, logger: logger, metrics: metrics)
        let genesis = params.genesisBlock
        let genesisHash = genesis.hash
        if let stored = try store.load() {
            guard stored.entries.contains(where: { $0.hash == genesisHash }),
                  let tree = BlockTree(entries: stored.entries, tip: stored.tip)
            else { throw ChainError.storeMismatch("the data directory holds another network's chain") }
            chain = ChainState(tree: tree, accounts: AccountState(accounts: stored.accounts))
        } else {
            let entry = BlockIndexEntry(hash: genesisHash, header: genesis.header,
                                        chainWork: genesis.header.bits.target?.workForTarget ?? .one, status: .valid)
            let initial = AccountState(genesis: params)
            try store.initialize(genesis: genesis, entry: entry, accounts: initial.accounts)
            chain = ChainState(tree: BlockTree(genesis: entry), accounts: initial)
        }
        self.metrics.heights(tip: chain.tree.tip.height, bestHeader: chain.tree.bestHeader.height)
    }

    // MARK: Queries

    public var tip: ChainTip { Self.chainTip(chain.tree.tip) }

    /// The end of the most-work valid header chain (bodies or not).
    public var bestHeader: ChainTip { Self.chainTip(chain.tree.bestHeader) }

    static func chainTip(_ e: BlockIndexEntry) -> ChainTip {
        ChainTip(hash: e.hash, height: e.height, chainWork: e.chainWork, header: e.header)
    }

    public func account(_ address: Address) -> Account { chain.accounts[address] }

    public func accounts(_ addresses: [Address]) -> [Address: Account] {
        var result = [Address: Account](minimumCapacity: addresses.count)
        for address in addresses { result[address] = chain.accounts[address] }
        return result
    }

    /// The accounts and the tip they belong to, read together.
    public func accountsAtTip(_ addresses: [Address]) -> (tip: Hash256?, accounts: [Address: Account]) {
        (chain.tree.tip.hash, accounts(addresses))
    }

    public func entry(_ hash: Hash256) -> BlockIndexEntry? { chain.tree.entry(hash) }

    public func isOnMainChain(_ hash: Hash256) -> Bool { chain.tree.isOnMainChain(hash) }

    /// A stored (or queued) body, read off the actor and off Swift's
    /// cooperative pool: serving blocks never waits behind validation.
    public nonisolated func block(_ hash: Hash256) async -> Block? { try? await writer.readBlock(hash) }

    /// The best-chain block at `height` (one hop for the hash, then read off the actor).
    public nonisolated func block(atHeight height: UInt64) async -> Block? {
        guard let hash = await mainChainHash(at: height) else { return nil }
        return await block(hash)
    }

    public func mainChainHash(at height: UInt64) -> Hash256? { chain.tree.mainChainHash(at: height) }

    /// Best-chain hashes at `height`, `height + 1`, … : at most `limit`.
    public func mainChainHashes(from height: UInt64, limit: Int) -> [Hash256] {
        var hashes: [Hash256] = []
        var next = height
        while hashes.count < limit, let hash = chain.tree.mainChainHash(at: next) {
            hashes.append(hash)
            next += 1
        }
        return hashes
    }

    public func locator() -> [Hash256] { chain.tree.locator() }

    public func headers(after locator: [Hash256], limit: Int) -> [BlockHeader] {
        chain.tree.headers(after: locator, limit: limit)
    }

    /// What the next block on the tip must carry.
    public func miningContext() -> MiningContext {
        let tipHash = chain.tree.tip.hash
        let ctx = chain.tree.context(forChildOf: tipHash, now: clock.now(), params: params)!
        return MiningContext(height: ctx.expectedHeight, previousHash: tipHash, bits: ctx.expectedBits,
                             minimumTimestamp: ctx.medianTimePast + 1)
    }

    /// Bodies held in memory unvalidated: orphans and bodies waiting for their parent's body or for work.
    public var orphanCount: Int { orphans.count + waiting.count }

    /// Whether a body for `hash` waits in memory (either pool).
    func holdsBody(_ hash: Hash256) -> Bool { waiting.contains(hash) || orphans.contains(hash) }

    /// Takes a body for `hash` out of memory (either pool).
    func takeBody(_ hash: Hash256) -> (block: Block, origin: Origin)? { waiting.take(hash) ?? orphans.take(hash) }

    // MARK: Submitting blocks

    /// Checks `block`'s header and adds it to the tree; validates and stores
    /// the body only when its header chain has at least the tip's work (and
    /// the best header chain reaches `minimumChainWork`), then moves the tip
    /// (perhaps by a reorg) when its branch has the most work. Bodies waiting
    /// for this one are processed too. Events about a block carry the origin
    /// it was submitted with.
    public func submit(_ block: Block, origin: Origin = .local) async -> SubmitResult {
        let result = await process(block, origin: origin)
        metrics.block(result)
        reportHeights()
        return result
    }

    private func process(_ block: Block, origin: Origin) async -> SubmitResult {
        if writer.backlog > options.writeBacklog {
            do { try await writer.waitForRoom(limit: options.writeBacklog / 2) } catch {
                return .invalid(.storage("the chain cannot be written: \(error)"))
            }
        }
        let hash = block.hash
        let result = await accept(block, hash: hash, origin: origin)
        switch result {
        case .connected, .sideBranch: await processWaiting(after: hash)
        default: return result
        }
        if case .sideBranch = result, chain.tree.isOnMainChain(hash) {
            return .connected(height: block.height, disconnected: 0)
        }
        return result
    }

    /// Bodies waiting in memory for `hash` (and, in turn, for them).
    func processWaiting(after hash: Hash256) async {
        var parents = [hash]
        while let parent = parents.popLast() {
            for (child, origin) in waiting.takeChildren(of: parent) + orphans.takeChildren(of: parent) {
                let childHash = child.hash
                let result = await accept(child, hash: childHash, origin: origin)
                metrics.block(result)
                switch result {
                case .connected, .sideBranch: parents.append(childHash)
                default: break
                }
            }
        }
    }

    func accept(_ block: Block, hash: Hash256, origin: Origin) async -> SubmitResult {
        if let known = chain.tree.entry(hash) {
            if known.status == .invalid { return .invalid(.knownInvalid) }
            if known.hasBody { return .duplicate }
            if known.status == .valid {
                // A pruned body comes back: worth checking only on a branch that may win.
                guard isWorthValidating(hash) else { return .headerOnly(height: known.height) }
                return await restoreBody(block, of: known)
            }
        }
        if recentlyInvalid.contains(hash) { return .invalid(.knownInvalid) }
        let parentHash = block.header.previousHash
        var added = false
        if !chain.tree.contains(hash) {
            guard chain.tree.contains(parentHash) else { return keepOrphan(block, hash: hash, origin: origin) }
            if let rejection = acceptHeader(block.header, hash: hash, persist: false).rejection {
                return .invalid(rejection)
            }
            added = true
        }
        let result = await acceptBody(block, hash: hash, origin: origin)
        // A new header whose body was not stored is kept all the same.
        if added, let entry = chain.tree.entry(hash), !entry.hasBody { writer.enqueue(.header(entry)) }
        return result
    }

    /// An orphan must carry real work (at least the network's easiest
    /// target) and a well-formed body before it takes room.
    private func keepOrphan(_ block: Block, hash: Hash256, origin: Origin) -> SubmitResult {
        if holdsBody(hash) { return .duplicate }
        do throws(ValidationError) {
            try HeaderValidator.checkProofOfWork(block.header)
            if let target = block.header.bits.target, target > params.maxTarget { throw .proofOfWorkTooWeak }
        } catch {
            return .invalid(rejection(hash, error))
        }
        return hold(block, hash: hash, origin: origin, asOrphan: true) ?? .orphan
    }

    /// The body of a block whose header is in the tree (header-valid).
    private func acceptBody(_ block: Block, hash: Hash256, origin: Origin) async -> SubmitResult {
        var block = block
        // A copy waiting in memory passed the Merkle check: it is the genuine body.
        let parked = holdsBody(hash)
        guard isWorthValidating(hash) else {
            if parked { return .headerOnly(height: block.height) }
            return hold(block, hash: hash, origin: origin) ?? .headerOnly(height: block.height)
        }
        if let held = takeBody(hash) { block = held.block }
        // Ancestors whose bodies wait in memory are validated first, oldest first.
        var pending: [Hash256] = []
        var cursor = block.header.previousHash
        while let e = chain.tree.entry(cursor), e.status == .headerValid, !e.hasBody {
            guard holdsBody(cursor) else {
                // The parent's body has not arrived: wait for it.
                return hold(block, hash: hash, origin: origin) ?? .orphan
            }
            pending.append(cursor)
            cursor = e.previousHash
        }
        for ancestor in pending.reversed() {
            // Evicted meanwhile (the pool is bounded): this body waits for it again.
            guard let held = takeBody(ancestor) else { return hold(block, hash: hash, origin: origin) ?? .orphan }
            switch await validateBody(held.block, hash: ancestor, origin: held.origin) {
            case .connected, .sideBranch, .duplicate: continue
            default: return .invalid(.invalidAncestor(ancestor))
            }
        }
        return await validateBody(block, hash: hash, origin: origin)
    }

    /// Keeps a body in memory unvalidated (with the orphans, or with the
    /// bodies whose header is known), after the cheap sanity check (Merkle
    /// root), so that a tampered copy never takes the slot; returns the
    /// rejection when that check fails.
    private func hold(_ block: Block, hash: Hash256, origin: Origin, asOrphan: Bool = false) -> SubmitResult? {
        do throws(ValidationError) {
            try BlockValidator.checkSanity(block, params: params)
        } catch {
            return .invalid(rejection(hash, error))
        }
        if asOrphan { orphans.add(block, hash: hash, origin: origin) } else { waiting.add(block, hash: hash, origin: origin) }
        return nil
    }

    /// Full validation (sanity, signatures), storage and the tip move.
    /// Another copy being validated is waited for first.
    func validateBody(_ block: Block, hash: Hash256, origin: Origin) async -> SubmitResult {
        await waitWhileInFlight(hash)
        guard let entry = chain.tree.entry(hash) else { return .invalid(.forkTooDeep(forkBelow: deadFloor)) }
        if entry.status == .invalid { return .invalid(.knownInvalid) }
        if entry.hasBody { return .duplicate }
        inFlight[hash] = []
        let started = clock.elapsed()
        defer {
            metrics.validated(in: clock.elapsed() - started)
            endInFlight(hash)
        }
        do {
            try await verifier.checkSanityAndSignatures(of: block, params: params)
        } catch {
            // Signatures are checked only once sanity passed, so the header's
            // Merkle root commits to these very signatures: the block itself is
            // invalid, not just this copy. Forget it for good, so that it is not
            // fetched and verified again and again.
            if case .invalidSignature = error, chain.tree.entry(hash)?.status == .headerValid {
                writer.enqueue(.status(.invalid, chain.tree.markInvalid(hash)))
            }
            return .invalid(rejection(hash, error))
        }
        // State may have changed during the await.
        guard let current = chain.tree.entry(hash) else { return .invalid(.forkTooDeep(forkBelow: deadFloor)) }
        if current.status == .invalid { return .invalid(.knownInvalid) }
        if current.hasBody { return .duplicate }
        let parentHash = block.header.previousHash
        guard chain.tree.entry(parentHash)?.status == .valid else { return .invalid(.invalidAncestor(parentHash)) }
        chain.tree.markBodyValid(hash)
        writer.enqueue(.block(block, chain.tree.entry(hash)!))
        let result = await moveTipIfHeavier(hash, block, origin: origin)
        if case .sideBranch = result { events.publish(.blockAccepted(block, height: block.height, origin: origin)) }
        return result
    }

    /// Waits while another copy of `hash` is being validated; the caller then
    /// looks at the tree again (the other copy may have been the genuine one).
    private func waitWhileInFlight(_ hash: Hash256) async {
        while inFlight[hash] != nil {
            await withCheckedContinuation { inFlight[hash, default: []].append($0) }
        }
    }

    /// Ends the validation of a copy of `hash`: the copies waiting look again.
    private func endInFlight(_ hash: Hash256) {
        for waiter in inFlight.removeValue(forKey: hash) ?? [] { waiter.resume() }
    }

    /// Whether a body is worth full validation and storage: its header chain
    /// has at least the tip's work, and the best header chain has reached
    /// `minimumChainWork` (Bitcoin Core's two anti-DoS gates).
    func isWorthValidating(_ hash: Hash256) -> Bool {
        guard chain.tree.bestHeader.chainWork >= params.minimumChainWork,
              let work = chain.tree.headerChainWork(through: hash) else { return false }
        return work >= chain.tree.tip.chainWork
    }

    private func moveTipIfHeavier(_ hash: Hash256, _ block: Block, origin: Origin) async -> SubmitResult {
        if chain.tree.hasMoreWork(hash) {
            let moved = await reorganize(toward: hash, arriving: block, origin: origin)
            if chain.tree.entry(hash)?.status == .invalid { return .invalid(.rule(moved.failure ?? .merkleRootMismatch)) }
            if chain.tree.isOnMainChain(hash) {
                return .connected(height: block.height, disconnected: moved.disconnected)
            }
        }
        return .sideBranch(height: block.height)
    }

    /// A side-branch block whose body was pruned arrives again: check the body
    /// against its (already valid) header, store it, and reconsider the branch.
    private func restoreBody(_ block: Block, of entry: BlockIndexEntry) async -> SubmitResult {
        await waitWhileInFlight(entry.hash)
        guard chain.tree.entry(entry.hash)?.hasBody == false else { return .duplicate }
        inFlight[entry.hash] = []
        defer { endInFlight(entry.hash) }
        do {
            try await verifier.checkSanityAndSignatures(of: block, params: params)
        } catch {
            return .invalid(.rule(error))
        }
        guard let current = chain.tree.entry(entry.hash), !current.hasBody, current.status == .valid
        else { return .duplicate }
        var restored = current
        restored.hasBody = true
        writer.enqueue(.block(block, restored))
        chain.tree.restoreBody(entry.hash)
        var disconnected = 0
        let best = chain.tree.bestValidCandidate()
        if best != chain.tree.tip.hash {
            disconnected = await reorganize(toward: best, arriving: block, origin: .local).disconnected
        }
        return chain.tree.isOnMainChain(entry.hash) ? .connected(height: block.height, disconnected: disconnected)
                                                    : .sideBranch(height: block.height)
    }

    /// Why a block or header is refused, remembering it by hash only for what
    /// the header proves, and only past the expected-target check (a cheap
    /// easy-target header cannot flush the set). Body errors are not: a
    /// tampered copy of a good block has the good block's hash.
    func rejection(_ hash: Hash256, _ error: ValidationError) -> BlockRejection {
        switch error {
        case .unexpectedHeight, .timestampNotAfterMedianTimePast: remember(invalid: hash)
        default: break
        }
        logger.info("rejected block", metadata: ["hash": "\(hash)", "reason": "\(error)"])
        return .rule(error)
    }

    func remember(invalid hash: Hash256) {
        if recentlyInvalid.count >= 10_000 { recentlyInvalid.removeAll(keepingCapacity: true) }
        recentlyInvalid.insert(hash)
    }
}
