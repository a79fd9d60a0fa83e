import ObolCore

/// Moving the best chain: blocks to disconnect from the tip (newest first)
/// and to connect (oldest first) to reach `target`, planned from the tip
/// `from`. A plan whose `from` is no longer the tip is stale.
public struct ReorgPlan: Sendable, Equatable {
    public var from: Hash256
    public var target: Hash256
    public var disconnect: [Hash256]
    public var connect: [Hash256]
}

/// The bodies and undo data a plan needs, read before anything changes.
public struct ReorgData: Sendable {
    public var blocks: [Hash256: Block] = [:]
    public var undo: [Hash256: BlockUndo] = [:]

    public init(blocks: [Hash256: Block] = [:], undo: [Hash256: BlockUndo] = [:]) {
        self.blocks = blocks
        self.undo = undo
    }
}

/// What applying a plan did; the caller writes it and publishes its events.
public struct ReorgOutcome: Sendable {
    /// The tip moved: `update` is what to write (nil when nothing moved).
    public var update: TipUpdate?
    /// A block broke a connect rule: it and `marked` (it and its descendants)
    /// are invalid now.
    public var failure: (hash: Hash256, error: ValidationError, marked: [Hash256])?
    /// Data the plan needed was missing (nothing moved).
    public var missingData: Hash256?
}

/// The chain as a value: the block tree and the accounts at its tip.
/// `ChainActor` owns one; tests drive it directly.
public struct ChainState: Sendable {
    public var tree: BlockTree
    public var accounts: AccountState

    public init(tree: BlockTree, accounts: AccountState) {
        self.tree = tree
        self.accounts = accounts
    }

    public func plan(toward target: Hash256) -> ReorgPlan? {
        guard let path = tree.path(to: target) else { return nil }
        return ReorgPlan(from: tree.tip.hash, target: target, disconnect: path.disconnect, connect: path.connect)
    }

    /// The hashes whose bodies (`blocks`) and undo data (`undo`) `plan` needs.
    public static func needs(_ plan: ReorgPlan) -> (blocks: [Hash256], undo: [Hash256]) {
        (plan.disconnect + plan.connect, plan.disconnect)
    }

    /// Carries out `plan` with `data`. Blocks that only extend the tip connect
    /// in place, each atomically, so a failing one leaves the tip at the last
    /// good one. A reorg works on copies and moves only if the branch it
    /// reached has more work than the old tip. A block that fails to connect
    /// is marked invalid with its descendants either way.
    public mutating func apply(_ plan: ReorgPlan, data: ReorgData, params: ChainParams) -> ReorgOutcome {
        var outcome = ReorgOutcome()
        guard plan.from == tree.tip.hash else { return outcome }
        if plan.disconnect.isEmpty {
            var changed: [Address: Account?] = [:]
            var connected: [(block: Block, undo: BlockUndo)] = []
            for hash in plan.connect {
                guard let block = data.blocks[hash] else { outcome.missingData = hash; break }
                do {
                    let undo = try accounts.connect(block, params: params)
                    for address in undo.previous.keys { changed[address] = .some(accounts.accounts[address]) }
                    tree.connect(hash)
                    connected.append((block, undo))
                } catch {
                    outcome.failure = (hash, error, tree.markInvalid(hash))
                    break
                }
            }
            if !connected.isEmpty {
                outcome.update = TipUpdate(disconnected: [], connected: connected, accounts: changed, tip: tree.tip.hash)
            }
            return outcome
        }
        var working = accounts
        var workingTree = tree
        var changed: [Address: Account?] = [:]
        var disconnected: [Block] = []
        var connected: [(block: Block, undo: BlockUndo)] = []
        for hash in plan.disconnect {
            guard let block = data.blocks[hash], let undo = data.undo[hash] else {
                outcome.missingData = hash
                return outcome
            }
            working.disconnect(undo)
            for address in undo.previous.keys { changed[address] = working.accounts[address] }
            workingTree.disconnectTip()
            disconnected.append(block)
        }
        for hash in plan.connect {
            guard let block = data.blocks[hash] else { outcome.missingData = hash; break }
            do {
                let undo = try working.connect(block, params: params)
                for address in undo.previous.keys { changed[address] = working.accounts[address] }
                workingTree.connect(hash)
                connected.append((block, undo))
            } catch {
                outcome.failure = (hash, error, tree.markInvalid(hash))
                break
            }
        }
        // A branch that failed early may end with less work than the tip we
        // had: then nothing moves, and the caller looks for the best branch again.
        guard workingTree.tip.chainWork > tree.tip.chainWork else { return outcome }
        if let failure = outcome.failure { workingTree.markInvalid(failure.hash) }
        outcome.update = TipUpdate(disconnected: disconnected, connected: connected, accounts: changed,
                                   tip: workingTree.tip.hash)
        tree = workingTree
        accounts = working
        return outcome
    }
}
