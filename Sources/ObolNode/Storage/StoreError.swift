/// Why a chain store could not do what was asked. Infrastructure errors are
/// structs with a code (to branch on) and a message (to log).
public struct StoreError: Error, Sendable, Hashable, CustomStringConvertible {
    public enum Code: String, Sendable, Hashable {
        /// The file exists but is not an SQLite database.
        case notADatabase
        /// The database, or a value in it, is damaged.
        case corrupt
        /// The file or its directory could not be created, opened or written.
        case io
        /// `initialize` was called on a store that already holds a chain.
        case alreadyInitialized
        /// An operation needs a chain but the store is empty.
        case notInitialized
        /// A block named by an update has no index entry in the store.
        case missingBlock
        /// The store was written in a format this version does not read.
        case unsupportedFormat
        /// Another process has the store open.
        case locked
        /// Any other failure of the database engine.
        case database
    }

    public var code: Code
    public var message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "\(code.rawValue): \(message)" }
}
