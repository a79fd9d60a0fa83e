import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A one-shot HTTP server on 127.0.0.1 for client tests: it answers each of
/// the next `count` connections with the same canned response, then closes.
/// It gives up after `timeout` seconds without a connection, so a failing
/// test never hangs.
struct LoopbackHTTPStub: Sendable {
    let port: Int
    private let listener: Int32

    /// - Parameter declaresLength: false leaves `Content-Length` out: the body ends when the connection closes.
    init(status: Int, body: String, count: Int = 1, timeout: Int32 = 5, declaresLength: Bool = true) throws {
        listener = try Self.listen()
        port = Self.port(of: listener)
        let length = declaresLength ? "Content-Length: \(body.utf8.count)\r\n" : ""
        let response = "HTTP/1.1 \(status) Stub\r\nContent-Type: application/json\r\n\(length)"
            + "Connection: close\r\n\r\n\(body)"
        let fd = listener
        Thread.detachNewThread {
            defer { close(fd) }
            for _ in 0..<count {
                var poller = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
                guard poll(&poller, 1, timeout * 1000) == 1 else { return }
                let connection = accept(fd, nil, nil)
                guard connection >= 0 else { return }
                Self.readRequest(connection)
                let bytes = Array(response.utf8)
                _ = bytes.withUnsafeBytes { send(connection, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
                close(connection)
            }
        }
    }

    /// A port on 127.0.0.1 that nothing listens on (bound, then released).
    static func closedPort() throws -> Int {
        let fd = try listen()
        defer { close(fd) }
        return port(of: fd)
    }

    private static func listen() throws -> Int32 {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw POSIXError(.EIO) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0, Glibc.listen(fd, 4) == 0 else {
            close(fd)
            throw POSIXError(.EADDRINUSE)
        }
        return fd
    }

    private static func port(of fd: Int32) -> Int {
        var address = sockaddr_in()
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    /// Reads the head and as much body as Content-Length says (bounded).
    private static func readRequest(_ fd: Int32) {
        var received = [UInt8]()
        var buffer = [UInt8](repeating: 0, count: 4096)
        var timeout = timeval(tv_sec: 2, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        while received.count < 1 << 20 {
            let n = recv(fd, &buffer, buffer.count, 0)
            guard n > 0 else { return }
            received += buffer[0..<n]
            let text = String(decoding: received, as: UTF8.self)
            guard let headEnd = text.range(of: "\r\n\r\n") else { continue }
            let head = text[..<headEnd.lowerBound].lowercased()
            let length = head.split(separator: "\r\n")
                .first { $0.hasPrefix("content-length:") }
                .flatMap { Int($0.dropFirst("content-length:".count).trimmingCharacters(in: .whitespaces)) } ?? 0
            if text[headEnd.upperBound...].utf8.count >= length { return }
        }
    }
}
