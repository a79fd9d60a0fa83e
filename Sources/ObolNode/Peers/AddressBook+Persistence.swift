import Foundation
import ObolWire

/// The address book on disk (`peers.json` in the data directory): one JSON object,
///
/// ```
/// {
///   "version": 1,
///   "new":   [ENTRY, …],
///   "tried": [ENTRY, …]
/// }
/// ENTRY = {
///   "host": "203.0.113.7", "port": 9333,
///   "source": "198.51",        who told us first ("manual", "static", "connected" for an address
///                              first recorded by a successful connection)
///   "lastSeen": 1767225600,    seconds since the Unix epoch, as every time here
///   "lastAttempt": 1767225000, absent if never dialled
///   "lastSuccess": 1767220000, absent if never connected (required in "tried")
///   "attempts": 0,             dials since the last success
///   "failures": 0              failed dials since the last success
/// }
/// ```
///
/// Entries are written in endpoint order, keys sorted. The file is written whole or not at all (temporary
/// file, sync, rename). Loading trusts nothing in it: entries that are invalid (empty or over-long host or
/// source, port outside 1…65535, negative counts, "tried" without "lastSuccess"), repeated, or over the
/// limits of the book being loaded are dropped, as are entries of "new" that would have been dropped for
/// their failures. "tried" is filled first, the most recent successes first; then "new", the best
/// (fewest failures, then most recently seen) first.
extension AddressBook {
    /// The format version `save` writes and `load` reads.
    public static let fileVersion = 1
    /// The longest host or source a loaded entry may have.
    static let maxNameLength = 255

    struct File: Codable {
        var version: Int
        var new: [Record]
        var tried: [Record]
    }

    struct Record: Codable {
        var host: String
        var port: Int
        var source: String
        var lastSeen: UInt64
        var lastAttempt: UInt64?
        var lastSuccess: UInt64?
        var attempts: Int
        var failures: Int

        var endpoint: PeerEndpoint { PeerEndpoint(host: host, port: port) }
    }

    /// Writes the book to `path`, replacing the file there atomically.
    public func save(to path: String) throws(PeerFileError) {
        var file = File(version: Self.fileVersion, new: [], tried: [])
        for endpoint in entries.keys.sorted() {
            let entry = entries[endpoint]!
            let record = Record(host: endpoint.host, port: endpoint.port, source: entry.source,
                                lastSeen: entry.lastSeen, lastAttempt: entry.lastAttempt,
                                lastSuccess: entry.lastSuccess, attempts: entry.attempts, failures: entry.failures)
            if entry.isTried { file.tried.append(record) } else { file.new.append(record) }
        }
        try PeerFile.save(PeerFile.encode(file, path: path, what: "address book"), to: path, what: "address book")
    }

    /// The book saved at `path`, within `limits`; an empty book when there is no file. Throws `corrupt`
    /// for a file that is not a saved book, `unsupportedVersion` for another format version.
    public static func load(from path: String, limits: Limits = .init()) throws(PeerFileError) -> AddressBook {
        var book = AddressBook(limits: limits)
        guard let data = try PeerFile.read(path, what: "address book") else { return book }
        let file = try PeerFile.decode(File.self, from: data, version: fileVersion, path: path, what: "address book")
        let tried = file.tried.filter { isValid($0) && $0.lastSuccess != nil }.sorted {
            ($1.lastSuccess!, $0.endpoint) < ($0.lastSuccess!, $1.endpoint)
        }
        for record in tried where book.triedCount < book.limits.maxTried {
            book.restore(record, isTried: true)
        }
        let new = file.new.filter { isValid($0) && ($0.lastSuccess != nil || $0.failures < failuresBeforeDrop) }
            .sorted { ($0.failures, $1.lastSeen, $0.endpoint) < ($1.failures, $0.lastSeen, $1.endpoint) }
        for record in new where book.newCount < book.limits.maxNew {
            book.restore(record, isTried: false)
        }
        return book
    }

    private static func isValid(_ record: Record) -> Bool {
        isValid(record.endpoint) && record.host.count <= maxNameLength && !record.source.isEmpty
            && record.source.count <= maxNameLength && record.attempts >= 0 && record.failures >= 0
    }

    /// Adds a loaded entry unless it is in the book already or its group or source is full.
    private mutating func restore(_ record: Record, isTried: Bool) {
        let endpoint = record.endpoint
        let entry = Entry(isTried: isTried, source: record.source, lastSeen: record.lastSeen,
                          lastAttempt: record.lastAttempt, lastSuccess: record.lastSuccess,
                          attempts: record.attempts, failures: record.failures)
        guard !contains(endpoint), groupCount(of: endpoint.group) < limits.maxPerGroup,
              !entry.isCredited || creditedCount(of: entry.source) < limits.maxPerSource else { return }
        insert(endpoint, entry)
    }
}
