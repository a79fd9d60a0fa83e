import ObolCore

/// Validity of a block in the index.
public enum BlockStatus: UInt8, Sendable, Codable {
    /// The body passed the context-free and contextual checks (sanity,
    /// signatures); may or may not be on the best chain.
    case valid = 1
    /// Failed to connect, or descends from a block that did.
    case invalid = 2
    /// Only the header is checked (linkage, proof of work, expected target,
    /// timestamps); the body has not been validated (`hasBody` is false).
    case headerValid = 3
}

/// One entry of the block index: a header and what the chain knows about it.
public struct BlockIndexEntry: Sendable, Hashable {
    public var hash: Hash256
    public var header: BlockHeader
    /// Cumulative work from genesis up to and including this block.
    public var chainWork: UInt256
    public var status: BlockStatus
    /// False for a header-only entry, and once a side branch's body has been pruned.
    public var hasBody: Bool

    public init(hash: Hash256, header: BlockHeader, chainWork: UInt256, status: BlockStatus, hasBody: Bool = true) {
        self.hash = hash
        self.header = header
        self.chainWork = chainWork
        self.status = status
        self.hasBody = hasBody
    }

    public var height: UInt64 { header.height }
    public var previousHash: Hash256 { header.previousHash }
}

/// One atomic move of the best tip: blocks leaving and joining the best
/// chain, the final values of every account they changed, and the new tip.
public struct TipUpdate: Sendable {
    /// Newest first.
    public var disconnected: [Block]
    /// Oldest first, each with the data that undoes it.
    public var connected: [(block: Block, undo: BlockUndo)]
    /// Final value of every changed account (nil: the account no longer exists).
    public var accounts: [Address: Account?]
    public var tip: Hash256

    public init(disconnected: [Block], connected: [(block: Block, undo: BlockUndo)],
                accounts: [Address: Account?], tip: Hash256) {
        self.disconnected = disconnected
        self.connected = connected
        self.accounts = accounts
        self.tip = tip
    }
}

/// What a store holds when it is opened.
public struct StoredChain: Sendable {
    public var entries: [BlockIndexEntry]
    public var tip: Hash256
    public var accounts: [Address: Account]

    public init(entries: [BlockIndexEntry], tip: Hash256, accounts: [Address: Account]) {
        self.entries = entries
        self.tip = tip
        self.accounts = accounts
    }
}

/// Durable home of the chain, owned by `ChainActor` (the only caller).
///
/// Every method is one transaction: `commit` moves the tip, the accounts,
/// the undo data and the transaction index together, so a crash at any point
/// reopens at the last committed tip with nothing half-applied.
public protocol ChainStore: Sendable {
    /// The stored chain, or nil for a new, empty store.
    func load() throws -> StoredChain?
    /// Writes genesis as the first block and tip of an empty store.
    func initialize(genesis: Block, entry: BlockIndexEntry, accounts: [Address: Account]) throws
    /// Stores a validated block's body and index entry (not yet on the best chain).
    func saveBlock(_ block: Block, entry: BlockIndexEntry) throws
    /// Marks blocks invalid (or valid again).
    func setStatus(_ status: BlockStatus, for hashes: [Hash256]) throws
    /// Moves the best tip atomically.
    func commit(_ update: TipUpdate) throws
    func block(_ hash: Hash256) throws -> Block?
    /// The header, transaction count and size of a stored body, without
    /// decoding its transactions (the default decodes the block).
    func outline(_ hash: Hash256) throws -> BlockOutline?
    func undo(_ hash: Hash256) throws -> BlockUndo?
    /// Drops the bodies (and undo data) of side-branch blocks; their index entries stay.
    func pruneBodies(_ hashes: [Hash256]) throws
    /// Stores a header-only index entry (`hasBody` false). An entry already
    /// stored for the hash is left as it is.
    func saveHeader(_ entry: BlockIndexEntry) throws
    /// Forgets blocks entirely: index entries, bodies and undo data (branches
    /// that can never become the best chain).
    func removeEntries(_ hashes: [Hash256]) throws
    /// Where a best-chain transaction is.
    func location(ofTransaction txid: Hash256) throws -> TransactionLocation?
    /// The most recent best-chain transactions that paid or spent `address`, newest first.
    func transactions(involving address: Address, limit: Int) throws -> [TransactionLocation]
    /// Applies `writes` in order. A store that can makes them one transaction
    /// (`SQLiteChainStore` does); the default applies them one by one. Every
    /// write is idempotent, so a batch that failed part way may be applied again.
    func write(_ writes: [StoreWrite]) throws
}

/// One change to a `ChainStore`, as `StoreWriter` queues it.
public enum StoreWrite: Sendable {
    /// `saveBlock`
    case block(Block, BlockIndexEntry)
    /// `setStatus`
    case status(BlockStatus, [Hash256])
    /// `commit`
    case tip(TipUpdate)
    /// `pruneBodies`
    case prune([Hash256])
    /// `saveHeader`
    case header(BlockIndexEntry)
    /// `removeEntries`
    case remove([Hash256])
}

extension ChainStore {
    public func outline(_ hash: Hash256) throws -> BlockOutline? {
        try block(hash).map(BlockOutline.init)
    }

    public func write(_ writes: [StoreWrite]) throws {
        for write in writes { try apply(write) }
    }

    /// One write through the store's single-purpose methods.
    public func apply(_ write: StoreWrite) throws {
        switch write {
        case let .block(block, entry): try saveBlock(block, entry: entry)
        case let .status(status, hashes): try setStatus(status, for: hashes)
        case let .tip(update): try commit(update)
        case let .prune(hashes): try pruneBodies(hashes)
        case let .header(entry): try saveHeader(entry)
        case let .remove(hashes): try removeEntries(hashes)
        }
    }
}
