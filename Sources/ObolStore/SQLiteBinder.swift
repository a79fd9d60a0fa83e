import Foundation
import GRDB
import GRDBSQLite
import ObolCore
import ObolNode

/// Runs one of GRDB's cached statements with values bound straight into
/// SQLite: no `StatementArguments`, no `Data` per hash or address. The
/// commit of a block of 100 transfers runs about 300 such inserts, so this
/// is where the writer's time goes.
struct SQLiteBinder {
    private let statement: SQLiteStatement
    private let connection: SQLiteConnection?

    init(_ db: Database, sql: String) throws {
        statement = try db.cachedStatement(sql: sql).sqliteStatement
        connection = db.sqliteConnection
        // GRDB resets a statement before it runs it, not after: one it ran
        // last may still be at its end, where binding fails.
        sqlite3_reset(statement)
    }

    /// SQLite copies the bytes (the buffers do not outlive the call).
    private static let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)

    func bind(_ index: Int32, _ value: Int64) {
        sqlite3_bind_int64(statement, index, value)
    }

    func bind(_ index: Int32, _ bytes: UnsafeRawBufferPointer) {
        sqlite3_bind_blob(statement, index, bytes.baseAddress, Int32(bytes.count), Self.transient)
    }

    func bind(_ index: Int32, _ hash: Hash256) { hash.withUnsafeBytes { bind(index, $0) } }

    func bind(_ index: Int32, _ address: Address) { address.withUnsafeBytes { bind(index, $0) } }

    func bind(_ index: Int32, _ bytes: [UInt8]) { bytes.withUnsafeBytes { bind(index, $0) } }

    /// Runs the statement once with what is bound, then resets it for the next values.
    func run() throws {
        let code = sqlite3_step(statement)
        sqlite3_reset(statement)
        guard code == SQLITE_DONE else {
            let message = connection.map { String(cString: sqlite3_errmsg($0)) }
            throw DatabaseError(resultCode: ResultCode(rawValue: code), message: message)
        }
    }
}

extension Hash256 {
    /// Byte-wise order, as SQLite compares blobs (`<` compares numeric values).
    func bytesPrecede(_ other: Hash256) -> Bool {
        withUnsafeBytes { a in other.withUnsafeBytes { b in memcmp(a.baseAddress!, b.baseAddress!, 32) < 0 } }
    }
}
