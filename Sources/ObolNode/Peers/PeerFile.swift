import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Why the address book or the ban list could not be loaded or saved.
public struct PeerFileError: Error, Sendable, Hashable, CustomStringConvertible {
    public enum Code: String, Sendable, Hashable {
        /// The file is not the JSON the node writes (truncated, edited, another file).
        case corrupt
        /// The file is of a format version this node does not read.
        case unsupportedVersion = "unsupported-version"
        /// The file is larger than `PeerFile.maxSize`.
        case tooLarge = "too-large"
        /// The file or its directory could not be read or written.
        case io
    }

    public var code: Code
    public var message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "\(code.rawValue): \(message)" }
}

/// Reading and writing the peer layer's JSON files (`peers.json`, `bans.json`).
///
/// A file is written whole or not at all: the bytes go to a temporary file in the same directory, which is
/// synced and renamed over the old file; the directory is synced last. A crash leaves the old file or the
/// new one, never a mix (at worst a stray `.<name>.<random>.tmp`).
enum PeerFile {
    /// Files larger than this are refused unread, whatever they hold (both files stay far below it at
    /// their limits).
    static let maxSize = 64 << 20

    /// The version every file carries, read before the rest so that an unknown version is told apart from
    /// damage.
    private struct Header: Decodable {
        var version: Int
    }

    /// The bytes of the file at `path`; nil when there is no file.
    static func read(_ path: String, what: String) throws(PeerFileError) -> Data? {
        var info = stat()
        guard stat(path, &info) == 0 else {
            let code = errno
            if code == ENOENT { return nil }
            throw ioError("cannot read \(what) \(path)", code)
        }
        guard Int64(info.st_size) <= Int64(maxSize) else {
            throw PeerFileError(.tooLarge, "\(what) \(path) holds \(info.st_size) bytes, more than the "
                                + "\(maxSize) a valid one can; delete it to start afresh")
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw PeerFileError(.io, "cannot read \(what) \(path)")
        }
        return data
    }

    /// Decodes `data` as a `T` of format `version`; `corrupt` or `unsupportedVersion` otherwise.
    static func decode<T: Decodable>(_ type: T.Type, from data: Data, version: Int, path: String,
                                     what: String) throws(PeerFileError) -> T {
        let decoder = JSONDecoder()
        let header: Header
        do {
            header = try decoder.decode(Header.self, from: data)
        } catch {
            throw corrupt(path, what, error)
        }
        guard header.version == version else {
            throw PeerFileError(.unsupportedVersion, "\(what) \(path) is of format version \(header.version); "
                                + "this node reads version \(version)")
        }
        do {
            return try decoder.decode(type, from: data)
        } catch {
            throw corrupt(path, what, error)
        }
    }

    /// Encodes `value` as JSON (keys sorted, so equal contents give equal files).
    static func encode<T: Encodable>(_ value: T, path: String, what: String) throws(PeerFileError) -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        do {
            return try encoder.encode(value)
        } catch {
            throw PeerFileError(.io, "cannot encode \(what) \(path): \(error)")
        }
    }

    /// Replaces the file at `path` with `data`, atomically (mode 0600).
    static func save(_ data: Data, to path: String, what: String) throws(PeerFileError) {
        let slash = path.lastIndex(of: "/")
        let directory = slash.map { $0 == path.startIndex ? "/" : String(path[..<$0]) } ?? "."
        let name = slash.map { String(path[path.index(after: $0)...]) } ?? path
        let temporary = directory + "/.\(name).\(UInt64.random(in: 0 ... .max)).tmp"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw ioError("cannot create a temporary file for \(what) \(path)", errno) }
        var written = 0
        var failure: Int32?
        while written < data.count {
            let n = data[written...].withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else {
                failure = errno
                break
            }
            written += n
        }
        if failure == nil && fsync(fd) != 0 { failure = errno }
        close(fd)
        if let failure {
            unlink(temporary)
            throw ioError("cannot write \(what) \(path)", failure)
        }
        guard rename(temporary, path) == 0 else {
            let code = errno
            unlink(temporary)
            throw ioError("cannot replace \(what) \(path)", code)
        }
        let directoryFD = open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if directoryFD >= 0 {
            _ = fsync(directoryFD)
            close(directoryFD)
        }
    }

    private static func corrupt(_ path: String, _ what: String, _ error: any Error) -> PeerFileError {
        let detail: String
        switch error as? DecodingError {
        case .dataCorrupted(let context)?: detail = context.debugDescription
        case .keyNotFound(let key, _)?: detail = "no \"\(key.stringValue)\""
        case .typeMismatch(_, let context)?, .valueNotFound(_, let context)?:
            detail = "\(context.debugDescription) at \(context.codingPath.map(\.stringValue).joined(separator: "."))"
        default: detail = "\(error)"
        }
        return PeerFileError(.corrupt, "\(what) \(path) is damaged (\(detail)); delete it to start afresh")
    }

    private static func ioError(_ what: String, _ code: Int32) -> PeerFileError {
        PeerFileError(.io, "\(what): \(String(cString: strerror(code)))")
    }
}
