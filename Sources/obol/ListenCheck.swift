import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Whether this process could listen at `host:port`, checked by binding a socket and closing it at once, so a
/// node can refuse a bad `--http-host` or a taken `--http-port` with one line before it creates anything.
/// (The port could still be taken in between; the server's own bind then fails later.)
enum ListenCheck {
    /// Nil when `host:port` can be bound, else why not, in a sentence that names the flag at fault.
    static func problem(host: String, port: Int) -> String? {
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        hints.ai_flags = AI_PASSIVE
        var list: UnsafeMutablePointer<addrinfo>?
        let status = getaddrinfo(host, String(port), &hints, &list)
        guard status == 0, let first = list else {
            return "--http-host '\(host)' is not an address: \(String(cString: gai_strerror(status)))"
        }
        defer { freeaddrinfo(list) }
        let fd = socket(first.pointee.ai_family, first.pointee.ai_socktype, first.pointee.ai_protocol)
        guard fd >= 0 else { return "cannot open a socket for \(host):\(port): \(String(cString: strerror(errno)))" }
        defer { close(fd) }
        var on: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, socklen_t(MemoryLayout<Int32>.size))  // as the server binds
        guard bind(fd, first.pointee.ai_addr, first.pointee.ai_addrlen) == 0 else {
            switch errno {
            case EADDRINUSE: return "--http-port \(port) is already in use on \(host) (another node?)"
            case EADDRNOTAVAIL: return "--http-host '\(host)' is not an address of this machine"
            case EACCES: return "--http-port \(port) needs privileges on \(host): use a port above 1023"
            case let code: return "cannot listen on \(host):\(port): \(String(cString: strerror(code)))"
            }
        }
        return nil
    }
}
