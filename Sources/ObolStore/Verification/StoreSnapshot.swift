import Foundation
import GRDB
import ObolCore
import ObolNode

/// The rows of a chain store as they are, read inside one read transaction
/// for `StoreVerifier`. A row that does not decode becomes a disagreement,
/// not an error: the verifier reports every damaged row it meets.
struct StoreSnapshot {
    /// A `blocks` row, decoded.
    struct BlockRow {
        var entry: BlockIndexEntry
        var storedHeight: Int64
        var storedPrevious: Hash256
    }

    struct TransactionRow: Hashable {
        var block: Hash256
        var height: Int64
        var index: Int64
    }

    struct AddressRow: Hashable {
        var address: Address
        var height: Int64
        var index: Int64
        var txid: Hash256
    }

    let db: Database
    var disagreements: [StoreDisagreement] = []

    init(_ db: Database) { self.db = db }

    /// The `meta` tip; nil for a store that holds no chain.
    func tip() throws -> Hash256? {
        try Row.fetchOne(db, sql: "SELECT value FROM meta WHERE key = 'tip'").map { try $0.hash(0, "the tip in meta") }
    }

    mutating func blocks() throws -> [Hash256: BlockRow] {
        var rows = [Hash256: BlockRow]()
        let cursor = try Row.fetchCursor(db, sql: "SELECT hash, height, prev, header, work, status, has_body FROM blocks")
        while let row = try cursor.next() {
            let decoded = record("blocks") { () throws(StoreError) -> BlockRow in
                let hash = try row.hash(0, "block hash")
                let header = try row.decoded(BlockHeader.self, 3, "header of \(hash)")
                let work = try row.blob(4, "chain work of \(hash)")
                guard work.count == 32 else { throw StoreError(.corrupt, "chain work of \(hash) has \(work.count) bytes") }
                let rawStatus = try row.int(5, "status of \(hash)")
                guard let status = UInt8(exactly: rawStatus).flatMap(BlockStatus.init(rawValue:)) else {
                    throw StoreError(.corrupt, "status of \(hash) is \(rawStatus)")
                }
                let entry = BlockIndexEntry(hash: hash, header: header,
                                            chainWork: UInt256(littleEndianBytes: [UInt8](work)), status: status,
                                            hasBody: try row.int(6, "has_body of \(hash)") != 0)
                return BlockRow(entry: entry, storedHeight: try row.int(1, "height of \(hash)"),
                                storedPrevious: try row.hash(2, "prev of \(hash)"))
            }
            if let decoded { rows[decoded.entry.hash] = decoded }
        }
        return rows
    }

    mutating func accounts() throws -> [Address: Account] {
        var accounts = [Address: Account]()
        let cursor = try Row.fetchCursor(db, sql: "SELECT address, balance, nonce, locks FROM accounts")
        while let row = try cursor.next() {
            let decoded = record("accounts") { () throws(StoreError) -> (Address, Account) in
                let address = try row.address(0, "account address")
                return (address, Account(balance: UInt64(bitPattern: try row.int(1, "balance of \(address)")),
                                         nonce: UInt64(bitPattern: try row.int(2, "nonce of \(address)")),
                                         locks: try row.locks(3, "locks of \(address)")))
            }
            if let (address, account) = decoded { accounts[address] = account }
        }
        return accounts
    }

    mutating func transactionIndex() throws -> [Hash256: TransactionRow] {
        var rows = [Hash256: TransactionRow]()
        let cursor = try Row.fetchCursor(db, sql: "SELECT txid, block, height, idx FROM txindex")
        while let row = try cursor.next() {
            let decoded = record("txindex") { () throws(StoreError) -> (Hash256, TransactionRow) in
                let txid = try row.hash(0, "txid")
                return (txid, TransactionRow(block: try row.hash(1, "block of \(txid)"),
                                             height: try row.int(2, "height of \(txid)"),
                                             index: try row.int(3, "idx of \(txid)")))
            }
            if let (txid, value) = decoded { rows[txid] = value }
        }
        return rows
    }

    mutating func addressIndex() throws -> Set<AddressRow> {
        var rows = Set<AddressRow>()
        let cursor = try Row.fetchCursor(db, sql: "SELECT address, height, idx, txid FROM address_tx")
        while let row = try cursor.next() {
            let decoded = record("address_tx") { () throws(StoreError) -> AddressRow in
                AddressRow(address: try row.address(0, "address"), height: try row.int(1, "height"),
                           index: try row.int(2, "idx"), txid: try row.hash(3, "txid"))
            }
            if let decoded { rows.insert(decoded) }
        }
        return rows
    }

    /// The keys of `bodies` or `undo`.
    mutating func keys(of table: String) throws -> Set<Hash256> {
        var keys = Set<Hash256>()
        let cursor = try Row.fetchCursor(db, sql: "SELECT hash FROM \(table)")
        while let row = try cursor.next() {
            if let hash = record(table, { () throws(StoreError) in try row.hash(0, "\(table) key") }) {
                keys.insert(hash)
            }
        }
        return keys
    }

    /// A stored body; nil (with a disagreement when it does not decode) otherwise.
    mutating func body(_ hash: Hash256) throws -> Block? {
        guard let row = try Row.fetchOne(db, sql: "SELECT data FROM bodies WHERE hash = ?", arguments: [hash.data])
        else { return nil }
        return record("bodies") { () throws(StoreError) in try row.decoded(Block.self, 0, "body of \(hash)") }
    }

    mutating func undo(_ hash: Hash256) throws -> BlockUndo? {
        guard let row = try Row.fetchOne(db, sql: "SELECT data FROM undo WHERE hash = ?", arguments: [hash.data])
        else { return nil }
        return record("undo") { () throws(StoreError) in try row.decoded(BlockUndo.self, 0, "undo of \(hash)") }
    }

    /// SQLite's `PRAGMA integrity_check`: one disagreement per problem it lists.
    mutating func checkIntegrity() throws {
        let lines = try String.fetchAll(db, sql: "PRAGMA integrity_check")
        for line in lines where line != "ok" {
            disagreements.append(StoreDisagreement("integrity_check", line))
        }
    }

    private mutating func record<T>(_ table: String, _ body: () throws(StoreError) -> T) -> T? {
        do {
            return try body()
        } catch {
            disagreements.append(StoreDisagreement(table, error.message))
            return nil
        }
    }
}
