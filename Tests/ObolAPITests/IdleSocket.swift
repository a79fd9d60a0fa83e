import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A raw TCP client for the idle-timeout test: connects to 127.0.0.1, sends
/// nothing, and reports whether the server closed the connection.
enum IdleSocket {
    /// True when the server closed the connection (read returned 0 or failed)
    /// before `giveUpAfter`. Blocking calls run on a thread of their own.
    static func connectAndWaitForClose(port: Int, giveUpAfter timeout: Duration) async throws -> Bool {
        try await withCheckedThrowingContinuation { continuation in
            Thread.detachNewThread {
                continuation.resume(with: Result { try waitForClose(port: port, timeout: timeout) })
            }
        }
    }

    struct SocketError: Error { let step: String; let code: Int32 }

    private static func waitForClose(port: Int, timeout: Duration) throws -> Bool {
        let fd = try connect(port: port)
        defer { close(fd) }
        return waitForClose(fd, timeout: timeout)
    }

    /// A connected socket to 127.0.0.1:`port` (the caller closes it).
    static func connect(port: Int) throws -> Int32 {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw SocketError(step: "socket", code: errno) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard connected == 0 else {
            close(fd)
            throw SocketError(step: "connect", code: errno)
        }
        return fd
    }

    /// Whether the server closes `fd` within `timeout` (blocking).
    static func waitForClose(_ fd: Int32, timeout: Duration) -> Bool {
        var wait = timeval(tv_sec: Int(timeout.components.seconds), tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &wait, socklen_t(MemoryLayout<timeval>.size))
        var byte: UInt8 = 0
        let got = read(fd, &byte, 1)
        // 0: orderly close; < 0 with ECONNRESET: closed; EAGAIN: timed out, still open.
        if got == 0 { return true }
        if got < 0 { return errno != EAGAIN && errno != EWOULDBLOCK }
        return false
    }

    /// Writes `request` on `fd` and reads once: the bytes of the answer's start (0 when none came).
    static func exchange(_ fd: Int32, _ request: String) -> Int {
        let bytes = Array(request.utf8)
        guard bytes.withUnsafeBytes({ send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }) == bytes.count else { return 0 }
        var buffer = [UInt8](repeating: 0, count: 4096)
        return max(0, buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) })
    }

    /// Runs blocking socket calls on a thread of their own, off the test pool (whose threads the server needs).
    static func onThread<T: Sendable>(_ body: @escaping @Sendable () -> T) async -> T {
        await withCheckedContinuation { continuation in
            Thread.detachNewThread { continuation.resume(returning: body()) }
        }
    }
}
