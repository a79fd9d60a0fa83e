import Foundation
import ObolNode

#if canImport(Glibc)
import Glibc
#endif

/// An exclusive advisory lock on `<database>.lock`, held while the store is open: a second process opening
/// the same store (a second node on one data directory) is refused at once instead of writing a branch of its
/// own into the same database. The kernel releases the lock when the process dies, even by `kill -9`, so a
/// stale lock file never blocks a restart.
///
/// It is a POSIX record lock (`fcntl`), which belongs to the process: the same process may open the store
/// again (tests reopen a store whose old instance is still alive, as a restart after a crash would), while
/// any other process is refused.
final class StoreLock: Sendable {
    let path: String
    private let descriptor: Int32

    /// - Throws: `StoreError(.locked)` when another open store holds the lock, `.io` when the lock file
    ///   cannot be created.
    init(databasePath: String) throws(StoreError) {
        path = databasePath + ".lock"
        let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else {
            throw StoreError(.io, "cannot create the lock file \(path): \(String(cString: strerror(errno)))")
        }
        var request = flock()
        request.l_type = Int16(F_WRLCK)
        request.l_whence = Int16(SEEK_SET)  // l_start 0 and l_len 0: the whole file
        guard fcntl(fd, F_SETLK, &request) == 0 else {
            let code = errno
            close(fd)
            if code == EAGAIN || code == EACCES {
                throw StoreError(.locked, "another process has \(databasePath) open (is a node already running on "
                                 + "this data directory?)")
            }
            throw StoreError(.io, "cannot lock \(path): \(String(cString: strerror(code)))")
        }
        descriptor = fd
    }

    deinit {
        close(descriptor)  // closing the descriptor releases the lock
    }
}
