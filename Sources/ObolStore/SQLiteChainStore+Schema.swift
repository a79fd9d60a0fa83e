import Foundation
import GRDB
import ObolCore
import ObolNode

extension SQLiteChainStore {
    /// The schema, one migration per version. Never edit a shipped
    /// migration: add another.
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1") { db in
            // The block index. Bodies live in their own table so that the full
            // scan in `load` reads only these small rows.
            try db.execute(sql: """
                CREATE TABLE blocks (
                    hash BLOB PRIMARY KEY NOT NULL,
                    height INTEGER NOT NULL,
                    prev BLOB NOT NULL,
                    header BLOB NOT NULL,
                    work BLOB NOT NULL,
                    status INTEGER NOT NULL,
                    has_body INTEGER NOT NULL
                ) WITHOUT ROWID;
                CREATE TABLE bodies (hash BLOB PRIMARY KEY NOT NULL, data BLOB NOT NULL);
                CREATE TABLE undo (hash BLOB PRIMARY KEY NOT NULL, data BLOB NOT NULL);
                CREATE TABLE accounts (
                    address BLOB PRIMARY KEY NOT NULL,
                    balance INTEGER NOT NULL,
                    nonce INTEGER NOT NULL
                ) WITHOUT ROWID;
                CREATE TABLE txindex (
                    txid BLOB PRIMARY KEY NOT NULL,
                    block BLOB NOT NULL,
                    height INTEGER NOT NULL,
                    idx INTEGER NOT NULL
                ) WITHOUT ROWID;
                CREATE TABLE address_tx (
                    address BLOB NOT NULL,
                    height INTEGER NOT NULL,
                    idx INTEGER NOT NULL,
                    txid BLOB NOT NULL,
                    PRIMARY KEY (address, height DESC, idx DESC)
                ) WITHOUT ROWID;
                CREATE TABLE meta (key TEXT PRIMARY KEY NOT NULL, value BLOB NOT NULL) WITHOUT ROWID;
                """)
        }
        // Store format 2: accounts keep their coinbase maturity locks, and undo
        // data encodes them (`BlockUndo`). A chain written in format 1 has undo
        // data this version would misread, so it is refused, not converted.
        migrator.registerMigration("v2-account-maturity-locks") { db in
            if try Row.fetchOne(db, sql: "SELECT 1 FROM meta WHERE key = 'tip'") != nil {
                throw StoreError(.unsupportedFormat, Self.formatOneMessage)
            }
            try db.execute(sql: "ALTER TABLE accounts ADD COLUMN locks BLOB")
        }
        return migrator
    }

    static let formatOneMessage = """
        this data directory holds a chain in store format 1, written before coinbase maturity; this version \
        reads format 2 only. Move the data directory away (or delete it) and let the node sync again
        """

    /// Runs `body`, turning every failure into a `StoreError`.
    static func mapErrors<T>(_ operation: String, _ body: () throws -> T) throws(StoreError) -> T {
        do {
            return try body()
        } catch let error as StoreError {
            throw error
        } catch let error as DatabaseError {
            throw StoreError(error, operation: operation)
        } catch let error as DecodeError {
            throw StoreError(.corrupt, "\(operation): a stored value does not decode (\(error))")
        } catch {
            throw StoreError(.database, "\(operation): \(error)")
        }
    }
}

extension StoreError {
    init(_ error: DatabaseError, operation: String) {
        let code: Code = switch error.resultCode {
        case .SQLITE_NOTADB: .notADatabase
        case .SQLITE_CORRUPT: .corrupt
        case .SQLITE_IOERR, .SQLITE_CANTOPEN, .SQLITE_FULL, .SQLITE_READONLY, .SQLITE_PERM: .io
        default: .database
        }
        let detail = error.message ?? "SQLite error \(error.resultCode.rawValue)"
        self.init(code, "\(operation): \(detail)")
    }
}

// MARK: - Values to and from SQLite

extension Hash256 {
    var data: Data { withUnsafeBytes { Data($0) } }
}

extension Address {
    var data: Data { Data(bytes) }
}

extension Account {
    /// The `locks` column: empty for an account without locks (most of them).
    var locksColumn: [UInt8] {
        guard !locks.isEmpty else { return [] }
        var writer = ByteWriter(capacity: locksEncodingSize)
        encodeLocks(to: &writer)
        return writer.bytes
    }
}

/// Typed column reads that report a damaged row instead of trapping, which
/// GRDB's typed subscripts would do on a NULL or a wrong type.
extension Row {
    func blob(_ index: Int, _ what: String) throws(StoreError) -> Data {
        guard case let .blob(data) = (self[index] as DatabaseValue).storage else {
            throw StoreError(.corrupt, "\(what) is not a blob")
        }
        return data
    }

    func int(_ index: Int, _ what: String) throws(StoreError) -> Int64 {
        guard case let .int64(value) = (self[index] as DatabaseValue).storage else {
            throw StoreError(.corrupt, "\(what) is not an integer")
        }
        return value
    }

    func hash(_ index: Int, _ what: String) throws(StoreError) -> Hash256 {
        let data = try blob(index, what)
        guard data.count == 32 else { throw StoreError(.corrupt, "\(what) has \(data.count) bytes, not 32") }
        return data.withUnsafeBytes { Hash256(unsafeBytes: $0) }
    }

    func address(_ index: Int, _ what: String) throws(StoreError) -> Address {
        guard let address = Address(bytes: [UInt8](try blob(index, what))) else {
            throw StoreError(.corrupt, "\(what) is not a \(Address.size)-byte address")
        }
        return address
    }

    /// An account's maturity locks: NULL or an empty blob for none, else `Account.encodeLocks`.
    func locks(_ index: Int, _ what: String) throws(StoreError) -> [MaturityLock] {
        let value = self[index] as DatabaseValue
        if value.isNull { return [] }
        let data = try blob(index, what)
        if data.isEmpty { return [] }
        do {
            var reader = ByteReader([UInt8](data))
            let locks = try Account.decodeLocks(from: &reader)
            try reader.expectEnd()
            return locks
        } catch {
            throw StoreError(.corrupt, "\(what) does not decode: \(error)")
        }
    }

    func decoded<T: BinaryDecodable>(_ type: T.Type, _ index: Int, _ what: String) throws(StoreError) -> T {
        let data = try blob(index, what)
        do {
            return try T(decoding: [UInt8](data))
        } catch {
            throw StoreError(.corrupt, "\(what) does not decode: \(error)")
        }
    }
}
