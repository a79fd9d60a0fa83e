import Foundation
#if canImport(Glibc)
import Glibc
#endif
import ObolAPI
import Testing

/// `GET /events` over the real server: keep-alive comments on a quiet stream, and the slot of a
/// client that goes away is freed (the next keep-alive's write fails).
@Suite(.timeLimit(.minutes(1))) struct EventsServerTests {
    @Test func keepAlivesFlowAndALeavingClientFreesItsSlot() async throws {
        let backend = FakeBackend()
        let options = APIOptions(maxEventClients: 1, eventKeepAlive: .milliseconds(20))
        let (ports, portSink) = AsyncStream.makeStream(of: Int.self)
        let server = APIServer(backend: backend, host: "127.0.0.1", port: 0, options: options) { portSink.yield($0) }
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await server.run() }
            var iterator = ports.makeAsyncIterator()
            let port = try #require(await iterator.next())

            let first = try await StreamReader.read(port: port, until: ": keep-alive\n\n")
            #expect(first.contains("HTTP/1.1 200 OK"))
            #expect(first.contains("retry: 3000\n\n"))
            #expect(first.contains("event: tip\n"))
            // The client has closed: the server notices at its next keep-alive and ends the stream.
            await backend.eventFeed.waitForSubscribers(0)
            // The slot follows the response out; a client is served again once it is gone (a 503 until then).
            var served = false
            for _ in 0..<500 where !served {
                let answer = try await StreamReader.read(port: port, until: "\r\n\r\n")
                served = answer.hasPrefix("HTTP/1.1 200")
                if !served { #expect(answer.hasPrefix("HTTP/1.1 503")) }
            }
            #expect(served)
            group.cancelAll()
            try await group.waitForAll()
        }
    }
}

/// Opens `GET /events` on a loopback port, reads until `marker` arrives (or 5 s pass), and closes.
enum StreamReader {
    struct Failure: Error { let step: String }

    static func read(port: Int, until marker: String) async throws -> String {
        try await withCheckedThrowingContinuation { continuation in
            Thread.detachNewThread {
                continuation.resume(with: Result { try readBlocking(port: port, until: marker) })
            }
        }
    }

    private static func readBlocking(port: Int, until marker: String) throws -> String {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw Failure(step: "socket") }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard connected == 0 else { throw Failure(step: "connect") }
        let request = Array("GET /events HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n\r\n".utf8)
        guard write(fd, request, request.count) == request.count else { throw Failure(step: "write") }
        var wait = timeval(tv_sec: 5, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &wait, socklen_t(MemoryLayout<timeval>.size))
        var answer: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4_096)
        while !String(decoding: answer, as: UTF8.self).contains(marker) {
            let got = Glibc.read(fd, &chunk, chunk.count)
            guard got > 0 else { break }
            answer += chunk[..<got]
        }
        return String(decoding: answer, as: UTF8.self)
    }
}
