import Logging
import ObolCore

/// Owns the block tree, the best tip by most cumulative work, and the
/// account state at that tip. Every block goes through `submit`.
public actor ChainActor: AccountProvider {
    public nonisolated let params: ChainParams
    public nonisolated let events = EventHub<ChainEvent>()
    private let store: any ChainStore
    /// Every write goes through it, off the actor; reads of bodies and undo
    /// data too, so that they see what is queued.
    let writer: StoreWriter
    private let clock: any NodeClock
    private let verifier: any BlockSignatureVerifier
    let options: ChainOptions
    private let logger: Logger

    private var tree: BlockTree
    private var state: AccountState
    private var orphans: OrphanPool
    /// Recently refused block hashes (bounded), answered without re-validation.
    private var recentlyInvalid: Set<Hash256> = []
    /// Blocks being validated right now (across the signature await).
    private var inFlight: Set<Hash256> = []
    /// Tip moves that only connect blocks, merged, not yet handed to the
    /// writer (see ChainActor+WriteBehind.swift).
    var unwritten: TipUpdate?
    var lastWrite = ContinuousClock.now

    /// Opens the chain from `store`, writing genesis first if the store is new.
    /// Loading re-verifies nothing and is linear in the chain's length.
    public init(params: ChainParams, store: any ChainStore, clock: any NodeClock = SystemClock(),
                verifier: any BlockSignatureVerifier = SerialSignatureVerifier(),
                options: ChainOptions = .init(), logger: Logger = Logger(label: "obol.chain")) throws {
        self.params = params
        self.store = store
        self.clock = clock
        self.verifier = verifier
        self.options = options
        self.logger = logger
        orphans = OrphanPool(capacity: options.orphanCapacity)
        writer = StoreWriter(store: store, logger: logger)
        let genesis = params.genesisBlock
        let genesisHash = genesis.hash
        if let stored = try store.load() {
            guard stored.entries.contains(where: { $0.hash == genesisHash }),
                  let tree = BlockTree(entries: stored.entries, tip: stored.tip)
            else { throw ChainError.storeMismatch("the data directory holds another network's chain") }
            self.tree = tree
            state = AccountState(accounts: stored.accounts)
        } else {
            let entry = BlockIndexEntry(hash: genesisHash, header: genesis.header,
                                        chainWork: genesis.header.bits.target?.workForTarget ?? .one, status: .valid)
            let initial = AccountState(genesis: params)
            try store.initialize(genesis: genesis, entry: entry, accounts: initial.accounts)
            tree = BlockTree(genesis: entry)
            state = initial
        }
    }

    // MARK: Queries

    public var tip: ChainTip {
        let e = tree.tip
        return ChainTip(hash: e.hash, height: e.height, chainWork: e.chainWork, header: e.header)
    }

    public func account(_ address: Address) -> Account { state[address] }

    public func accounts(_ addresses: [Address]) -> [Address: Account] {
        var result = [Address: Account](minimumCapacity: addresses.count)
        for address in addresses { result[address] = state[address] }
        return result
    }

    /// The accounts and the tip they belong to, read together.
    public func accountsAtTip(_ addresses: [Address]) -> (tip: Hash256?, accounts: [Address: Account]) {
        (tree.tip.hash, accounts(addresses))
    }

    public func entry(_ hash: Hash256) -> BlockIndexEntry? { tree.entry(hash) }

    public func isOnMainChain(_ hash: Hash256) -> Bool { tree.isOnMainChain(hash) }

    public func block(_ hash: Hash256) -> Block? { try? writer.block(hash) }

    /// The best-chain block at `height`.
    public func block(atHeight height: UInt64) -> Block? {
        tree.mainChainHash(at: height).flatMap { try? writer.block($0) }
    }

    public func mainChainHash(at height: UInt64) -> Hash256? { tree.mainChainHash(at: height) }

    /// Best-chain hashes at `height`, `height + 1`, … : at most `limit`.
    public func mainChainHashes(from height: UInt64, limit: Int) -> [Hash256] {
        var hashes: [Hash256] = []
        var next = height
        while hashes.count < limit, let hash = tree.mainChainHash(at: next) {
            hashes.append(hash)
            next += 1
        }
        return hashes
    }

    public func locator() -> [Hash256] { tree.locator() }

    public func headers(after locator: [Hash256], limit: Int) -> [BlockHeader] {
        tree.headers(after: locator, limit: limit)
    }

    /// What the next block on the tip must carry.
    public func miningContext() -> MiningContext {
        let tipHash = tree.tip.hash
        let ctx = tree.context(forChildOf: tipHash, now: clock.now(), params: params)!
        return MiningContext(height: ctx.expectedHeight, previousHash: tipHash, bits: ctx.expectedBits,
                             minimumTimestamp: ctx.medianTimePast + 1)
    }

    public var orphanCount: Int { orphans.count }

    // MARK: Submitting blocks

    /// Validates `block` and adds it to the tree; moves the tip (perhaps by a
    /// reorg) when its branch has the most work. Orphans that it completes
    /// are processed too. Events about the block carry `origin`.
    public func submit(_ block: Block, origin: Origin = .local) async -> SubmitResult {
        if writer.backlog > options.writeBacklog {
            do { try await writer.waitForRoom(limit: options.writeBacklog / 2) } catch {
                return .invalid(.storage("the chain cannot be written: \(error)"))
            }
        }
        let hash = block.hash
        let result = await accept(block, hash: hash, origin: origin)
        if case .connected = result {} else if case .sideBranch = result {} else { return result }
        // Blocks waiting for this one.
        var parents = [hash]
        while let parent = parents.popLast() {
            for child in orphans.takeChildren(of: parent) {
                let childHash = child.hash
                switch await accept(child, hash: childHash, origin: .local) {
                case .connected, .sideBranch: parents.append(childHash)
                default: break
                }
            }
        }
        if case .sideBranch = result, tree.isOnMainChain(hash) {
            return .connected(height: block.height, disconnected: 0)
        }
        return result
    }

    private func accept(_ block: Block, hash: Hash256, origin: Origin) async -> SubmitResult {
        if let known = tree.entry(hash) {
            if known.status == .valid && !known.hasBody { return await restoreBody(block, of: known) }
            return known.status == .invalid ? .invalid(.knownInvalid) : .duplicate
        }
        if recentlyInvalid.contains(hash) { return .invalid(.knownInvalid) }
        if orphans.contains(hash) || inFlight.contains(hash) { return .duplicate }

        let parentHash = block.header.previousHash
        guard let parent = tree.entry(parentHash) else {
            // An orphan must carry real work and a well-formed body before it takes room.
            do throws(ValidationError) {
                try HeaderValidator.checkProofOfWork(block.header)
                if let target = block.header.bits.target, target > params.maxTarget { throw .proofOfWorkTooWeak }
                try BlockValidator.checkSanity(block, params: params)
            } catch {
                return reject(hash, error)
            }
            orphans.add(block, hash: hash)
            return .orphan
        }
        guard parent.status == .valid else {
            remember(invalid: hash)
            return .invalid(.invalidAncestor(parentHash))
        }

        inFlight.insert(hash)
        defer { inFlight.remove(hash) }
        do {
            let context = tree.context(forChildOf: parentHash, now: clock.now(), params: params)!
            try HeaderValidator.check(block.header, context, params: params)
            try await verifier.checkSanityAndSignatures(of: block, params: params)
        } catch {
            return reject(hash, error)
        }
        // State may have changed during the await.
        if tree.contains(hash) { return .duplicate }
        guard tree.entry(parentHash)?.status == .valid else { return .invalid(.invalidAncestor(parentHash)) }

        let entry = BlockIndexEntry(hash: hash, header: block.header,
                                    chainWork: parent.chainWork + (block.header.bits.target?.workForTarget ?? .one),
                                    status: .valid)
        writer.enqueue(.block(block, entry))
        tree.insert(entry)
        let result = moveTipIfHeavier(hash, block, origin: origin)
        if case .sideBranch = result { events.publish(.blockAccepted(block, height: block.height, origin: origin)) }
        return result
    }

    private func moveTipIfHeavier(_ hash: Hash256, _ block: Block, origin: Origin) -> SubmitResult {
        if tree.hasMoreWork(hash) {
            reorganize(toward: hash, arriving: block, origin: origin)
            if let e = tree.entry(hash), e.status == .invalid { return .invalid(.rule(lastConnectError ?? .merkleRootMismatch)) }
            if tree.isOnMainChain(hash) {
                return .connected(height: block.height, disconnected: lastDisconnectCount)
            }
        }
        return .sideBranch(height: block.height)
    }

    /// A side-branch block whose body was pruned arrives again: check the body
    /// against its (already valid) header, store it, and reconsider the branch.
    private func restoreBody(_ block: Block, of entry: BlockIndexEntry) async -> SubmitResult {
        do {
            try await verifier.checkSanityAndSignatures(of: block, params: params)
        } catch {
            return .invalid(.rule(error))
        }
        guard let current = tree.entry(entry.hash), !current.hasBody else { return .duplicate }
        var restored = current
        restored.hasBody = true
        writer.enqueue(.block(block, restored))
        tree.restoreBody(entry.hash)
        lastDisconnectCount = 0
        let best = tree.bestValidCandidate()
        if best != tree.tip.hash, let bestBlock = try? writer.block(best) {
            reorganize(toward: best, arriving: bestBlock, origin: .local)
        }
        return tree.isOnMainChain(entry.hash) ? .connected(height: block.height, disconnected: lastDisconnectCount)
                                              : .sideBranch(height: block.height)
    }

    private func reject(_ hash: Hash256, _ error: ValidationError) -> SubmitResult {
        // Only what the header proves is remembered by hash, and only past the
        // expected-target check (a cheap easy-target header cannot flush the set).
        // Body errors are not: transfer ids leave signatures out, so a tampered
        // copy of a good block has the good block's hash.
        switch error {
        case .unexpectedHeight, .timestampNotAfterMedianTimePast: remember(invalid: hash)
        default: break
        }
        logger.info("rejected block", metadata: ["hash": "\(hash)", "reason": "\(error)"])
        return .invalid(.rule(error))
    }

    private func remember(invalid hash: Hash256) {
        if recentlyInvalid.count >= 10_000 { recentlyInvalid.removeAll(keepingCapacity: true) }
        recentlyInvalid.insert(hash)
    }

    // MARK: Reorganization

    private var lastConnectError: ValidationError?
    private var lastDisconnectCount = 0

    /// Moves the best chain to the valid branch with the most work, starting
    /// with `target`. A block that fails to connect is marked invalid with its
    /// descendants, and the search goes on from the best valid chain.
    private func reorganize(toward target: Hash256, arriving: Block, origin: Origin) {
        lastConnectError = nil
        lastDisconnectCount = 0
        var candidate = target
        var attempts = 0
        while candidate != tree.tip.hash, attempts < 64 {
            attempts += 1
            step(to: candidate, arriving: arriving, origin: origin)
            // The usual case, the target connected, needs no search of the tree.
            if tree.tip.hash == target { break }
            let next = tree.bestValidCandidate()
            if next == candidate { break }  // no progress (e.g. the store keeps failing)
            candidate = next
        }
        pruneSideBranches()
    }

    /// One attempt: disconnect to the fork, connect the branch, queue what
    /// succeeded as one store write, then publish the events.
    private func step(to target: Hash256, arriving: Block, origin: Origin) {
        guard let path = tree.path(to: target) else { return }
        guard !path.disconnect.isEmpty else { return extend(path.connect, arriving: arriving, origin: origin) }
        // Disconnecting reads undo data, which the writer serves, queued or stored.
        handOverUnwritten()
        // A reorg works on copies: a block that fails to connect leaves the tip as it was.
        var working = state
        var changed: [Address: Account?] = [:]
        var disconnected: [(Block, UInt64)] = []
        var connected: [(block: Block, undo: BlockUndo)] = []
        var workingTree = tree

        for hash in path.disconnect {
            guard let block = try? writer.block(hash), let undo = try? writer.undo(hash) else {
                logger.error("missing body or undo data to disconnect \(hash)")
                return
            }
            working.disconnect(undo)
            for address in undo.previous.keys { changed[address] = working.accounts[address] }
            workingTree.disconnectTip()
            disconnected.append((block, block.height))
        }
        for hash in path.connect {
            let block = hash == arriving.hash ? arriving : (try? writer.block(hash))
            guard let block else { break }
            do {
                let undo = try working.connect(block, params: params)
                for address in undo.previous.keys { changed[address] = working.accounts[address] }
                workingTree.connect(hash)
                connected.append((block, undo))
            } catch {
                workingTree.markInvalid(hash)
                failedToConnect(hash, error)
                break
            }
        }
        // A branch that failed early may end with less work than the tip we had:
        // then nothing moves, and the caller looks for the best valid branch again.
        guard workingTree.tip.chainWork > tree.tip.chainWork else { return }
        writer.enqueue(.tip(TipUpdate(disconnected: disconnected.map(\.0), connected: connected,
                                      accounts: changed, tip: workingTree.tip.hash)))
        lastWrite = .now
        tree = workingTree
        state = working
        lastDisconnectCount += disconnected.count
        for (block, height) in disconnected { events.publish(.blockDisconnected(block, height: height)) }
        publishConnected(connected.map(\.block), arriving: arriving, origin: origin)
    }

    /// A block broke a connect rule: it and its descendants are invalid, in the
    /// tree and in the store.
    private func failedToConnect(_ hash: Hash256, _ error: ValidationError) {
        lastConnectError = error
        let marked = tree.markInvalid(hash)
        writer.enqueue(.status(.invalid, marked))
        logger.info("block failed to connect", metadata: ["hash": "\(hash)", "reason": "\(error)"])
    }

    /// The common case: blocks that extend the tip. They connect in place (no
    /// copy of the account state or the tree per block); each connect is atomic,
    /// so a block that fails leaves the tip at the last good one.
    private func extend(_ hashes: [Hash256], arriving: Block, origin: Origin) {
        var changed: [Address: Account?] = [:]
        var connected: [(block: Block, undo: BlockUndo)] = []
        for hash in hashes {
            guard let block = hash == arriving.hash ? arriving : (try? writer.block(hash)) else { break }
            do {
                let undo = try state.connect(block, params: params)
                for address in undo.previous.keys { changed[address] = .some(state.accounts[address]) }
                tree.connect(hash)
                connected.append((block, undo))
            } catch {
                failedToConnect(hash, error)
                break
            }
        }
        guard !connected.isEmpty else { return }
        queue(TipUpdate(disconnected: [], connected: connected, accounts: changed, tip: tree.tip.hash))
        publishConnected(connected.map(\.block), arriving: arriving, origin: origin)
    }

    /// `blockConnected` for each block (the arriving one with its origin), then `tipChanged`.
    private func publishConnected(_ blocks: [Block], arriving: Block, origin: Origin) {
        let arrivingHash = arriving.hash
        for block in blocks {
            events.publish(.blockConnected(block, height: block.height,
                                           origin: block.hash == arrivingHash ? origin : .local))
        }
        events.publish(.tipChanged(tip))
    }

    /// After a restart: moves to the stored valid branch with the most work,
    /// if the stored tip is behind it (blocks saved but not yet written as the
    /// tip when the process stopped).
    public func resumeBestChain() {
        let best = tree.bestValidCandidate()
        guard best != tree.tip.hash, let block = try? writer.block(best) else { return }
        logger.info("reconnecting stored blocks", metadata: ["from": "\(tree.tip.height)", "to": "\(block.height)"])
        reorganize(toward: best, arriving: block, origin: .local)
    }

    private func pruneSideBranches() {
        let stale = tree.staleSideBlocks(depth: options.pruneDepth)
        guard !stale.isEmpty else { return }
        writer.enqueue(.prune(stale))
        tree.markPruned(stale)
    }
}
