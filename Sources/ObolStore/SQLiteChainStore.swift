import Foundation
import GRDB
import ObolCore
import ObolNode

/// The chain on disk: one SQLite database in WAL mode, through a GRDB
/// `DatabasePool` (one writer, concurrent readers on snapshots).
///
/// Durability: in WAL mode a commit appends the transaction's pages to the
/// `-wal` file with `write(2)` before `commit` returns. With the default
/// `synchronous = NORMAL` the WAL is only fsynced at checkpoints, so the
/// committed pages sit in the kernel's page cache, which a killed process
/// (even `kill -9`) cannot lose: a process crash never loses a committed tip.
/// Only an OS crash or power loss can roll back the last few commits, and
/// even then the database reopens consistent at an earlier tip, which the
/// node re-syncs from peers. `.powerLoss` (`synchronous = FULL`) fsyncs the
/// WAL on every commit to close that gap too, at a cost of one fsync per
/// transaction (`StoreWriter` makes one per batch of queued writes).
public final class SQLiteChainStore: ChainStore {
    public enum Durability: Sendable {
        /// WAL with `synchronous = NORMAL`: survives any process crash.
        case processCrash
        /// WAL with `synchronous = FULL`: also survives power loss.
        case powerLoss
    }

    /// The file name inside a node's data directory.
    public static let fileName = "chain.sqlite"

    public let path: String
    private let pool: DatabasePool
    /// Held while the store is open: one process per database (nil for a store opened beside its owner).
    private let lock: StoreLock?

    /// Opens (creating if needed) the database at `path`, and its directory.
    /// - Throws: `StoreError` with `.notADatabase` or `.corrupt` for a damaged
    ///   file, `.locked` when another process has it open (`StoreLock`), `.io`
    ///   when the file cannot be created or opened.
    /// - Parameter exclusive: take the store's lock (the default); false opens it beside the process that
    ///   owns it, as an observer that reads while another process writes.
    public init(path: String, durability: Durability = .processCrash, exclusive: Bool = true) throws {
        self.path = path
        let directory = URL(fileURLWithPath: path).deletingLastPathComponent()
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        } catch {
            throw StoreError(.io, "cannot create directory \(directory.path): \(error.localizedDescription)")
        }
        lock = exclusive ? try StoreLock(databasePath: path) : nil
        var configuration = Configuration()
        configuration.label = "ObolChainStore"
        // Another process holding the write lock (a second node on the same
        // directory) makes writes wait a little, then fail, instead of failing at once.
        configuration.busyMode = .timeout(5)
        pool = try Self.mapErrors("open \(path)") {
            let pool = try DatabasePool(path: path, configuration: configuration)
            // GRDB has set WAL and synchronous = NORMAL. These pragmas only
            // matter for the writer (it runs the checkpoints), outside a transaction.
            try pool.writeWithoutTransaction { db in
                if durability == .powerLoss { try db.execute(sql: "PRAGMA synchronous = FULL") }
                // A block of 100 transfers dirties about 500 scattered index pages,
                // so checkpoint (copy the WAL back and fsync) every 256 MiB of WAL
                // rather than every 4 MiB, keep 256 MiB of hot pages cached, and
                // truncate the WAL back to 64 MiB after a checkpoint. Together with
                // tip writes batched by 256 blocks, this took a durable 5,000-block
                // import from 0.62 to 0.70 of in-memory validation.
                try db.execute(sql: """
                    PRAGMA cache_size = -262144;
                    PRAGMA wal_autocheckpoint = 65536;
                    PRAGMA journal_size_limit = 67108864;
                    """)
            }
            try Self.migrator.migrate(pool)
            return pool
        }
    }

    /// Throws `StoreError(.locked)` when another process has the store in `dataDirectory` open, so a node can
    /// refuse before it creates anything. A directory that does not exist is in nobody's use.
    /// Call it before this process opens that store: the lock is a POSIX record lock, which closing any
    /// descriptor of the lock file releases for the whole process.
    public static func checkNotInUse(dataDirectory: URL) throws(StoreError) {
        guard FileManager.default.fileExists(atPath: dataDirectory.path) else { return }
        _ = try StoreLock(databasePath: dataDirectory.appendingPathComponent(fileName).path)
    }

    /// Opens `chain.sqlite` in a node's data directory.
    public convenience init(dataDirectory: URL, durability: Durability = .processCrash) throws {
        try self.init(path: dataDirectory.appendingPathComponent(Self.fileName).path, durability: durability)
    }

    /// Closes the database; any later call fails. Deinit also closes it.
    public func close() throws {
        try Self.mapErrors("close") { try pool.close() }
    }

    // MARK: - ChainStore

    public func load() throws -> StoredChain? {
        try Self.mapErrors("load") {
            try pool.read { db -> StoredChain? in
                guard let tipRow = try Row.fetchOne(db, sql: "SELECT value FROM meta WHERE key = 'tip'") else {
                    return nil
                }
                let tip = try tipRow.hash(0, "tip")
                var entries = [BlockIndexEntry]()
                let blocks = try Row.fetchCursor(db, sql: "SELECT hash, header, work, status, has_body FROM blocks")
                while let row = try blocks.next() {
                    entries.append(try Self.entry(from: row))
                }
                // Parents before children, whatever order the table is in.
                entries.sort { ($0.height, $0.hash) < ($1.height, $1.hash) }
                guard entries.contains(where: { $0.hash == tip }) else {
                    throw StoreError(.corrupt, "the tip \(tip) has no index entry")
                }
                var accounts = [Address: Account]()
                let rows = try Row.fetchCursor(db, sql: "SELECT address, balance, nonce, locks FROM accounts")
                while let row = try rows.next() {
                    let address = try row.address(0, "account address")
                    accounts[address] = Account(
                        balance: UInt64(bitPattern: try row.int(1, "balance")),
                        nonce: UInt64(bitPattern: try row.int(2, "nonce")),
                        locks: try row.locks(3, "locks of \(address)"))
                }
                return StoredChain(entries: entries, tip: tip, accounts: accounts)
            }
        }
    }

    public func initialize(genesis: Block, entry: BlockIndexEntry, accounts: [Address: Account]) throws {
        try Self.mapErrors("initialize") {
            try pool.write { db in
                if try Row.fetchOne(db, sql: "SELECT 1 FROM meta WHERE key = 'tip'") != nil {
                    throw StoreError(.alreadyInitialized, "the store already holds a chain")
                }
                try Self.save(genesis, entry: entry, db)
                for (address, account) in accounts { try Self.put(address, account, db) }
                try Self.index([genesis], db)
                try Self.setTip(entry.hash, db)
            }
        }
    }

    public func saveBlock(_ block: Block, entry: BlockIndexEntry) throws {
        try write([.block(block, entry)])
    }

    public func setStatus(_ status: BlockStatus, for hashes: [Hash256]) throws {
        try write([.status(status, hashes)])
    }

    /// One write transaction. Every connected block and the new tip must have
    /// an index entry (from `saveBlock`), or it throws `.missingBlock` and
    /// changes nothing; a connected block whose body was pruned gets it back.
    /// Undo rows of disconnected blocks stay until `pruneBodies`.
    public func commit(_ update: TipUpdate) throws {
        try write([.tip(update)])
    }

    public func pruneBodies(_ hashes: [Hash256]) throws {
        try write([.prune(hashes)])
    }

    /// Every write in one transaction: all of them or, on an error, none.
    public func write(_ writes: [StoreWrite]) throws {
        guard !writes.isEmpty else { return }
        try Self.mapErrors(Self.describe(writes)) {
            try pool.write { db in
                for write in writes {
                    switch write {
                    case let .block(block, entry): try Self.save(block, entry: entry, db)
                    case let .status(status, hashes): try Self.setStatus(status, for: hashes, db)
                    case let .tip(update): try Self.commit(update, db)
                    case let .prune(hashes): try Self.prune(hashes, db)
                    case let .header(entry): try Self.saveHeader(entry, db)
                    case let .remove(hashes): try Self.remove(hashes, db)
                    }
                }
            }
        }
    }

    private static func describe(_ writes: [StoreWrite]) -> String {
        guard writes.count == 1, let only = writes.first else { return "write \(writes.count) changes" }
        return switch only {
        case let .block(_, entry): "save block \(entry.hash)"
        case .status: "set status"
        case let .tip(update): "commit tip \(update.tip)"
        case .prune: "prune bodies"
        case let .header(entry): "save header \(entry.hash)"
        case .remove: "remove entries"
        }
    }

    private static func setStatus(_ status: BlockStatus, for hashes: [Hash256], _ db: Database) throws {
        let statement = try db.cachedStatement(sql: "UPDATE blocks SET status = ? WHERE hash = ?")
        for hash in hashes { try statement.execute(arguments: [Int64(status.rawValue), hash.data]) }
    }

    private static func commit(_ update: TipUpdate, _ db: Database) throws {
        for block in update.disconnected { try unindex(block, hash: block.hash, db) }
        for (block, undo) in update.connected {
            let hash = block.hash
            let lookup = try db.cachedStatement(sql: "SELECT has_body FROM blocks WHERE hash = ?")
            guard let row = try Row.fetchOne(lookup, arguments: [hash.data])
            else { throw StoreError(.missingBlock, "connected block \(hash) has no index entry") }
            if try row.int(0, "has_body") == 0 {
                try putBody(block, hash: hash, db)
            }
            let putUndo = try SQLiteBinder(db, sql: "INSERT OR REPLACE INTO undo (hash, data) VALUES (?, ?)")
            putUndo.bind(1, hash)
            putUndo.bind(2, undo.encoded)
            try putUndo.run()
        }
        try index(update.connected.map(\.block), db)
        // In key order, like the index rows: consecutive inserts land on the same
        // pages of the B-tree, which matters once it outgrows the cache.
        let putAccount = try SQLiteBinder(
            db, sql: "INSERT OR REPLACE INTO accounts (address, balance, nonce, locks) VALUES (?, ?, ?, ?)")
        for (address, account) in update.accounts.sorted(by: { $0.key < $1.key }) {
            if let account {
                putAccount.bind(1, address)
                putAccount.bind(2, Int64(bitPattern: account.balance))
                putAccount.bind(3, Int64(bitPattern: account.nonce))
                putAccount.bind(4, account.locksColumn)
                try putAccount.run()
            } else {
                try db.cachedStatement(sql: "DELETE FROM accounts WHERE address = ?")
                    .execute(arguments: [address.data])
            }
        }
        guard try Row.fetchOne(db.cachedStatement(sql: "SELECT 1 FROM blocks WHERE hash = ?"),
                               arguments: [update.tip.data]) != nil
        else { throw StoreError(.missingBlock, "new tip \(update.tip) has no index entry") }
        try setTip(update.tip, db)
    }

    private static func prune(_ hashes: [Hash256], _ db: Database) throws {
        let bodies = try db.cachedStatement(sql: "DELETE FROM bodies WHERE hash = ?")
        let undo = try db.cachedStatement(sql: "DELETE FROM undo WHERE hash = ?")
        let flag = try db.cachedStatement(sql: "UPDATE blocks SET has_body = 0 WHERE hash = ?")
        for hash in hashes {
            let key: StatementArguments = [hash.data]
            try bodies.execute(arguments: key)
            try undo.execute(arguments: key)
            try flag.execute(arguments: key)
        }
    }

    public func block(_ hash: Hash256) throws -> Block? {
        try Self.mapErrors("read block \(hash)") {
            try pool.read { db in
                try Row.fetchOne(db, sql: "SELECT data FROM bodies WHERE hash = ?", arguments: [hash.data])
                    .map { row throws(StoreError) in try row.decoded(Block.self, 0, "body of \(hash)") }
            }
        }
    }

    /// Reads the body's length and its first bytes only: SQLite hands over
    /// no more of a large body than that, and nothing is decoded past the
    /// transaction count.
    public func outline(_ hash: Hash256) throws -> BlockOutline? {
        try Self.mapErrors("read outline of \(hash)") {
            try pool.read { db in
                try Row.fetchOne(db, sql: "SELECT length(data), substr(data, 1, ?) FROM bodies WHERE hash = ?",
                                 arguments: [BlockOutline.prefixSize, hash.data])
                    .map { row throws(StoreError) in
                        let prefix = try row.blob(1, "body of \(hash)")
                        do {
                            return try BlockOutline(prefix: [UInt8](prefix), size: row[0])
                        } catch {
                            throw StoreError(.corrupt, "body of \(hash) does not decode: \(error)")
                        }
                    }
            }
        }
    }

    public func undo(_ hash: Hash256) throws -> BlockUndo? {
        try Self.mapErrors("read undo \(hash)") {
            try pool.read { db in
                try Row.fetchOne(db, sql: "SELECT data FROM undo WHERE hash = ?", arguments: [hash.data])
                    .map { row throws(StoreError) in try row.decoded(BlockUndo.self, 0, "undo of \(hash)") }
            }
        }
    }

    public func location(ofTransaction txid: Hash256) throws -> TransactionLocation? {
        try Self.mapErrors("find transaction \(txid)") {
            try pool.read { db in
                guard let row = try Row.fetchOne(db, sql: "SELECT block, height, idx FROM txindex WHERE txid = ?",
                                                 arguments: [txid.data])
                else { return nil }
                return TransactionLocation(txid: txid, blockHash: try row.hash(0, "txindex block"),
                                           height: UInt64(bitPattern: try row.int(1, "txindex height")),
                                           index: Int(try row.int(2, "txindex idx")))
            }
        }
    }

    public func transactions(involving address: Address, limit: Int) throws -> [TransactionLocation] {
        guard limit > 0 else { return [] }
        return try Self.mapErrors("list transactions of \(address)") {
            try pool.read { db in
                let rows = try Row.fetchCursor(db, sql: """
                    SELECT a.txid, t.block, a.height, a.idx
                    FROM address_tx a JOIN txindex t ON t.txid = a.txid
                    WHERE a.address = ?
                    ORDER BY a.height DESC, a.idx DESC
                    LIMIT ?
                    """, arguments: [address.data, limit])
                var out = [TransactionLocation]()
                while let row = try rows.next() {
                    out.append(TransactionLocation(txid: try row.hash(0, "address_tx txid"),
                                                   blockHash: try row.hash(1, "txindex block"),
                                                   height: UInt64(bitPattern: try row.int(2, "address_tx height")),
                                                   index: Int(try row.int(3, "address_tx idx"))))
                }
                return out
            }
        }
    }

    // MARK: - Rows

    private static func entry(from row: Row) throws(StoreError) -> BlockIndexEntry {
        let hash = try row.hash(0, "block hash")
        let header = try row.decoded(BlockHeader.self, 1, "header of \(hash)")
        let work = try row.blob(2, "chain work of \(hash)")
        guard work.count == 32 else { throw StoreError(.corrupt, "chain work of \(hash) has \(work.count) bytes") }
        let rawStatus = try row.int(3, "status of \(hash)")
        guard let status = UInt8(exactly: rawStatus).flatMap(BlockStatus.init(rawValue:)) else {
            throw StoreError(.corrupt, "status of \(hash) is \(rawStatus)")
        }
        return BlockIndexEntry(hash: hash, header: header, chainWork: UInt256(littleEndianBytes: [UInt8](work)),
                               status: status, hasBody: try row.int(4, "has_body of \(hash)") != 0)
    }

    private static func save(_ block: Block, entry: BlockIndexEntry, _ db: Database) throws {
        try db.cachedStatement(sql: """
            INSERT OR REPLACE INTO blocks (hash, height, prev, header, work, status, has_body)
            VALUES (?, ?, ?, ?, ?, ?, 1)
            """).execute(arguments: [entry.hash.data, Int64(bitPattern: entry.height), entry.previousHash.data,
                                     Data(entry.header.encoded), Data(entry.chainWork.littleEndianBytes),
                                     Int64(entry.status.rawValue)])
        let body = try SQLiteBinder(db, sql: "INSERT OR REPLACE INTO bodies (hash, data) VALUES (?, ?)")
        body.bind(1, entry.hash)
        body.bind(2, block.encoded)
        try body.run()
    }

    /// Restores the body of a block that was pruned and is now connected again.
    private static func putBody(_ block: Block, hash: Hash256, _ db: Database) throws {
        try db.cachedStatement(sql: "INSERT OR REPLACE INTO bodies (hash, data) VALUES (?, ?)")
            .execute(arguments: [hash.data, Data(block.encoded)])
        try db.cachedStatement(sql: "UPDATE blocks SET has_body = 1 WHERE hash = ?").execute(arguments: [hash.data])
    }

    private static func put(_ address: Address, _ account: Account, _ db: Database) throws {
        try db.cachedStatement(sql: "INSERT OR REPLACE INTO accounts (address, balance, nonce, locks) VALUES (?, ?, ?, ?)")
            .execute(arguments: [address.data, Int64(bitPattern: account.balance), Int64(bitPattern: account.nonce),
                                 Data(account.locksColumn)])
    }

    private static func setTip(_ tip: Hash256, _ db: Database) throws {
        try db.cachedStatement(sql: "INSERT OR REPLACE INTO meta (key, value) VALUES ('tip', ?)")
            .execute(arguments: [tip.data])
    }

    /// Adds blocks joining the best chain to the transaction and address
    /// indexes. The rows of all the blocks go in sorted by key (SQLite compares
    /// blobs byte by byte): random ids and addresses inserted in order touch
    /// each B-tree page once per batch instead of once per row.
    private static func index(_ blocks: [Block], _ db: Database) throws {
        var txRows: [(txid: Hash256, block: Hash256, height: Int64, index: Int64)] = []
        var addressRows: [(address: Address, height: Int64, index: Int64, txid: Hash256)] = []
        txRows.reserveCapacity(blocks.reduce(0) { $0 + $1.transactions.count })
        addressRows.reserveCapacity(2 * txRows.capacity)
        for block in blocks {
            let hash = block.hash, height = Int64(bitPattern: block.height)
            for (index, transaction) in block.transactions.enumerated() {
                txRows.append((transaction.id, hash, height, Int64(index)))
            }
            block.forEachIndexedAddress { txid, index, address in
                addressRows.append((address, height, Int64(index), txid))
            }
        }
        txRows.sort { $0.txid.bytesPrecede($1.txid) }
        // The primary key's order: address, then height and index descending.
        addressRows.sort { ($0.address, $1.height, $1.index) < ($1.address, $0.height, $0.index) }
        let tx = try SQLiteBinder(db, sql: "INSERT OR REPLACE INTO txindex (txid, block, height, idx) VALUES (?, ?, ?, ?)")
        for row in txRows {
            tx.bind(1, row.txid)
            tx.bind(2, row.block)
            tx.bind(3, row.height)
            tx.bind(4, row.index)
            try tx.run()
        }
        let address = try SQLiteBinder(db, sql: """
            INSERT OR REPLACE INTO address_tx (address, height, idx, txid) VALUES (?, ?, ?, ?)
            """)
        for row in addressRows {
            address.bind(1, row.address)
            address.bind(2, row.height)
            address.bind(3, row.index)
            address.bind(4, row.txid)
            try address.run()
        }
    }

    /// Removes a block leaving the best chain from both indexes.
    private static func unindex(_ block: Block, hash: Hash256, _ db: Database) throws {
        let blockData = hash.data
        let height = Int64(bitPattern: block.height)
        let tx = try db.cachedStatement(sql: "DELETE FROM txindex WHERE txid = ? AND block = ?")
        for transaction in block.transactions {
            try tx.execute(arguments: [transaction.id.data, blockData])
        }
        let address = try db.cachedStatement(sql: """
            DELETE FROM address_tx WHERE address = ? AND height = ? AND idx = ? AND txid = ?
            """)
        try block.forEachIndexedAddress { txid, index, addr in
            try address.execute(arguments: [addr.data, height, index, txid.data])
        }
    }
}
