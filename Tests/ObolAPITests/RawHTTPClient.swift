import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Sends raw bytes to a loopback server and reads everything it answers until it closes the connection
/// (or `timeout` passes): for requests no HTTP client would send.
enum RawHTTPClient {
    struct Failure: Error { let step: String; let code: Int32 }

    /// What the server wrote, and whether it closed the connection before `timeout`.
    static func exchange(host: String, port: Int, sending request: String,
                         timeout: Duration = .seconds(5)) async throws -> (answer: String, closed: Bool) {
        try await withCheckedThrowingContinuation { continuation in
            Thread.detachNewThread {
                continuation.resume(with: Result { try exchangeBlocking(host: host, port: port, request, timeout) })
            }
        }
    }

    private static func exchangeBlocking(host: String, port: Int, _ request: String,
                                         _ timeout: Duration) throws -> (answer: String, closed: Bool) {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw Failure(step: "socket", code: errno) }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr(host)
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard connected == 0 else { throw Failure(step: "connect", code: errno) }
        let bytes = Array(request.utf8)
        guard write(fd, bytes, bytes.count) == bytes.count else { throw Failure(step: "write", code: errno) }
        var wait = timeval(tv_sec: Int(timeout.components.seconds), tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &wait, socklen_t(MemoryLayout<timeval>.size))
        var answer: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4_096)
        while true {
            let got = read(fd, &chunk, chunk.count)
            if got > 0 { answer += chunk[..<got]; continue }
            let closed = got == 0 || (errno != EAGAIN && errno != EWOULDBLOCK)
            return (String(decoding: answer, as: UTF8.self), closed)
        }
    }
}
