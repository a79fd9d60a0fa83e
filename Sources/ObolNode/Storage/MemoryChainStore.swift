import ObolCore
import Synchronization

/// A `ChainStore` held in memory, for tests and for embedders that do not
/// need the chain to outlive the process. Same semantics and errors as
/// `SQLiteChainStore`: every method is atomic under one lock, and a failing
/// `commit` changes nothing.
public final class MemoryChainStore: ChainStore {
    private struct State {
        var entries: [Hash256: BlockIndexEntry] = [:]
        var bodies: [Hash256: Block] = [:]
        var undo: [Hash256: BlockUndo] = [:]
        var accounts: [Address: Account] = [:]
        var txIndex: [Hash256: TransactionLocation] = [:]
        /// Oldest first, ordered by (height, index).
        var addressIndex: [Address: [TransactionLocation]] = [:]
        var tip: Hash256?
    }

    private let state = Mutex(State())

    public init() {}

    public func load() throws -> StoredChain? {
        state.withLock { s in
            guard let tip = s.tip else { return nil }
            let entries = s.entries.values.sorted { ($0.height, $0.hash) < ($1.height, $1.hash) }
            return StoredChain(entries: entries, tip: tip, accounts: s.accounts)
        }
    }

    public func initialize(genesis: Block, entry: BlockIndexEntry, accounts: [Address: Account]) throws {
        try state.withLock { s in
            guard s.tip == nil else { throw StoreError(.alreadyInitialized, "the store already holds a chain") }
            s.entries[entry.hash] = BlockIndexEntry(hash: entry.hash, header: entry.header, chainWork: entry.chainWork,
                                                   status: entry.status, hasBody: true)
            s.bodies[entry.hash] = genesis
            s.accounts = accounts
            Self.index(genesis, hash: entry.hash, into: &s)
            s.tip = entry.hash
        }
    }

    public func saveBlock(_ block: Block, entry: BlockIndexEntry) throws {
        state.withLock { s in
            var stored = entry
            stored.hasBody = true
            s.entries[entry.hash] = stored
            s.bodies[entry.hash] = block
        }
    }

    public func setStatus(_ status: BlockStatus, for hashes: [Hash256]) throws {
        state.withLock { s in
            for hash in hashes { s.entries[hash]?.status = status }
        }
    }

    public func commit(_ update: TipUpdate) throws {
        try state.withLock { s in
            // Check everything first, so that a failure leaves the state untouched.
            for (block, _) in update.connected where s.entries[block.hash] == nil {
                throw StoreError(.missingBlock, "connected block \(block.hash) has no index entry")
            }
            guard s.entries[update.tip] != nil else {
                throw StoreError(.missingBlock, "new tip \(update.tip) has no index entry")
            }
            for block in update.disconnected { Self.unindex(block, hash: block.hash, from: &s) }
            for (block, undo) in update.connected {
                let hash = block.hash
                if s.bodies[hash] == nil {
                    s.bodies[hash] = block
                    s.entries[hash]?.hasBody = true
                }
                s.undo[hash] = undo
                Self.index(block, hash: hash, into: &s)
            }
            for (address, account) in update.accounts { s.accounts[address] = account }
            s.tip = update.tip
        }
    }

    public func block(_ hash: Hash256) throws -> Block? {
        state.withLock { $0.bodies[hash] }
    }

    public func undo(_ hash: Hash256) throws -> BlockUndo? {
        state.withLock { $0.undo[hash] }
    }

    public func pruneBodies(_ hashes: [Hash256]) throws {
        state.withLock { s in
            for hash in hashes {
                s.bodies[hash] = nil
                s.undo[hash] = nil
                s.entries[hash]?.hasBody = false
            }
        }
    }

    public func saveHeader(_ entry: BlockIndexEntry) throws {
        state.withLock { s in
            guard s.entries[entry.hash] == nil else { return }
            var stored = entry
            stored.hasBody = false
            s.entries[entry.hash] = stored
        }
    }

    public func removeEntries(_ hashes: [Hash256]) throws {
        state.withLock { s in
            for hash in hashes where hash != s.tip {
                s.entries[hash] = nil
                s.bodies[hash] = nil
                s.undo[hash] = nil
            }
        }
    }

    public func location(ofTransaction txid: Hash256) throws -> TransactionLocation? {
        state.withLock { $0.txIndex[txid] }
    }

    public func transactions(involving address: Address, limit: Int) throws -> [TransactionLocation] {
        guard limit > 0 else { return [] }
        return state.withLock { s in Array((s.addressIndex[address] ?? []).suffix(limit).reversed()) }
    }

    // MARK: - Index maintenance

    private static func index(_ block: Block, hash: Hash256, into s: inout State) {
        let height = block.height
        for (index, transaction) in block.transactions.enumerated() {
            let txid = transaction.id
            s.txIndex[txid] = TransactionLocation(txid: txid, blockHash: hash, height: height, index: index)
        }
        block.forEachIndexedAddress { txid, index, address in
            let location = TransactionLocation(txid: txid, blockHash: hash, height: height, index: index)
            insert(location, into: &s.addressIndex[address, default: []])
        }
    }

    /// Keeps `list` ordered by (height, index); connecting appends, so the
    /// search back from the end stops at once in the usual case.
    private static func insert(_ location: TransactionLocation, into list: inout [TransactionLocation]) {
        let key = (location.height, location.index)
        var at = list.endIndex
        while at > 0, (list[at - 1].height, list[at - 1].index) > key { at -= 1 }
        if at > 0, (list[at - 1].height, list[at - 1].index) == key {
            list[at - 1] = location
        } else {
            list.insert(location, at: at)
        }
    }

    private static func unindex(_ block: Block, hash: Hash256, from s: inout State) {
        let height = block.height
        for transaction in block.transactions {
            let txid = transaction.id
            if s.txIndex[txid]?.blockHash == hash { s.txIndex[txid] = nil }
        }
        block.forEachIndexedAddress { txid, index, address in
            // The newest entries are at the end, and disconnected blocks are the newest.
            guard let at = s.addressIndex[address]?.lastIndex(where: {
                $0.height == height && $0.index == index && $0.txid == txid
            }) else { return }
            s.addressIndex[address]?.remove(at: at)
            if s.addressIndex[address]?.isEmpty == true { s.addressIndex[address] = nil }
        }
    }
}
