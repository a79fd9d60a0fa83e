#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Why a new secret file could not be written: the step that failed and the
/// system's error number.
public struct SecretFileError: Error, Sendable, Hashable {
    public enum Step: Sendable, Hashable {
        /// Creating the file (`alreadyExists` tells the common case apart).
        case create
        /// Writing or syncing its bytes.
        case write
    }

    public let step: Step
    public let code: Int32

    public init(_ step: Step, _ code: Int32) {
        self.step = step
        self.code = code
    }

    /// The file was there already: nothing was overwritten.
    public var alreadyExists: Bool { step == .create && code == EEXIST }

    /// The system's words for `code`.
    public var reason: String { String(cString: strerror(code)) }
}

/// Files that hold keys: created new (or replaced whole, atomically), readable by the owner only.
public enum SecretFile {
    /// Writes `bytes` as a new file at `path` (mode 0600) so that `path`
    /// either does not exist or holds all of them, even after a crash or a
    /// power loss: the bytes go to a temporary file in the same directory
    /// (named `prefix` and a random number), which is synced, then linked to
    /// `path` (which fails, atomically, when `path` exists) and removed; the
    /// directory is synced last. On a file system without hard links the file
    /// is created at `path` directly (still never overwriting).
    public static func writeNew(_ bytes: [UInt8], at path: String, temporaryPrefix prefix: String)
        throws(SecretFileError) {
        let directory = directory(of: path)
        let temporary = directory + "/\(prefix)\(UInt64.random(in: 0 ... .max)).tmp"
        try writeSynced(bytes, to: temporary)
        defer { unlink(temporary) }
        if link(temporary, path) != 0 {
            let code = errno
            guard code == EPERM || code == EOPNOTSUPP || code == ENOTSUP else { throw SecretFileError(.create, code) }
            try writeSynced(bytes, to: path)
        }
        syncDirectory(directory)
    }

    /// Replaces the file at `path` with `bytes` (mode 0600) so that `path` holds either its old content or
    /// all of the new bytes, even after a crash or a power loss: the bytes go to a temporary file in the same
    /// directory (named `prefix` and a random number), which is synced, then renamed over `path`; the
    /// directory is synced last. `path` need not exist. A symbolic link at `path` is replaced, not followed.
    public static func replace(_ bytes: [UInt8], at path: String, temporaryPrefix prefix: String)
        throws(SecretFileError) {
        let directory = directory(of: path)
        let temporary = directory + "/\(prefix)\(UInt64.random(in: 0 ... .max)).tmp"
        try writeSynced(bytes, to: temporary)
        guard rename(temporary, path) == 0 else {
            let code = errno
            unlink(temporary)
            throw SecretFileError(.write, code)
        }
        syncDirectory(directory)
    }

    private static func directory(of path: String) -> String {
        let slash = path.lastIndex(of: "/")
        return slash.map { $0 == path.startIndex ? "/" : String(path[..<$0]) } ?? "."
    }

    private static func syncDirectory(_ directory: String) {
        let directoryFD = open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if directoryFD >= 0 {
            _ = fsync(directoryFD)
            close(directoryFD)
        }
    }

    /// Creates `file` (never overwriting), writes `bytes` and syncs them; on a
    /// failure after creating it, removes it.
    private static func writeSynced(_ bytes: [UInt8], to file: String) throws(SecretFileError) {
        let fd = open(file, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw SecretFileError(.create, errno) }
        defer { close(fd) }
        _ = fchmod(fd, 0o600)  // whatever the umask: 0600 is what a key file promises
        var written = 0
        while written < bytes.count {
            let n = bytes[written...].withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else {
                let code = errno
                unlink(file)
                throw SecretFileError(.write, code)
            }
            written += n
        }
        guard fsync(fd) == 0 else {
            let code = errno
            unlink(file)
            throw SecretFileError(.write, code)
        }
    }
}
