import Foundation
import GRDB
import ObolCore
import ObolNode

// Header-only index entries (headers first) and forgetting dead branches.
extension SQLiteChainStore {
    public func saveHeader(_ entry: BlockIndexEntry) throws {
        try write([.header(entry)])
    }

    public func removeEntries(_ hashes: [Hash256]) throws {
        try write([.remove(hashes)])
    }

    /// A header-only row; an existing row (perhaps with its body) wins.
    static func saveHeader(_ entry: BlockIndexEntry, _ db: Database) throws {
        try db.cachedStatement(sql: """
            INSERT OR IGNORE INTO blocks (hash, height, prev, header, work, status, has_body)
            VALUES (?, ?, ?, ?, ?, ?, 0)
            """).execute(arguments: [entry.hash.data, Int64(bitPattern: entry.height), entry.previousHash.data,
                                     Data(entry.header.encoded), Data(entry.chainWork.littleEndianBytes),
                                     Int64(entry.status.rawValue)])
    }

    /// Forgets blocks; the tip is never removed.
    static func remove(_ hashes: [Hash256], _ db: Database) throws {
        let tip = try Row.fetchOne(db, sql: "SELECT value FROM meta WHERE key = 'tip'").map { try $0.hash(0, "tip") }
        for hash in hashes where hash != tip {
            let key: StatementArguments = [hash.data]
            try db.cachedStatement(sql: "DELETE FROM bodies WHERE hash = ?").execute(arguments: key)
            try db.cachedStatement(sql: "DELETE FROM undo WHERE hash = ?").execute(arguments: key)
            try db.cachedStatement(sql: "DELETE FROM blocks WHERE hash = ?").execute(arguments: key)
        }
    }
}
