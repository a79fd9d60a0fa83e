import Foundation
import ObolAPI
import ObolAPIModels
import Testing

/// Requests SwiftNIO's HTTP parser refuses, sent over a real socket to a server on 127.0.6.10: each is
/// answered with a JSON 400 and the connection is closed.
@Suite(.timeLimit(.minutes(1))) struct HTTPParseErrorTests {
    static let host = "127.0.6.10"

    /// Runs a server on `host` and sends `request` to it.
    private func send(_ request: String) async throws -> (answer: String, closed: Bool) {
        let (ports, continuation) = AsyncStream.makeStream(of: Int.self)
        let server = APIServer(backend: FakeBackend(), host: Self.host, port: 0) { continuation.yield($0) }
        return try await withThrowingTaskGroup(of: (answer: String, closed: Bool)?.self) { group in
            group.addTask { try await server.run(); return nil }
            var iterator = ports.makeAsyncIterator()
            let port = try #require(await iterator.next())
            let result = try await RawHTTPClient.exchange(host: Self.host, port: port, sending: request)
            group.cancelAll()
            return result
        }
    }

    private func errorBody(_ answer: String) -> ErrorResponse? {
        guard let range = answer.range(of: "\r\n\r\n") else { return nil }
        return try? JSONDecoder().decode(ErrorResponse.self, from: Data(answer[range.upperBound...].utf8))
    }

    @Test(arguments: [
        ("FOO /status HTTP/1.1\r\nHost: x\r\n\r\n", "unknown method"),
        ("POST /transactions HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n{}", "bad Content-Length"),
    ])
    func refusedByTheParserIsJSON400(request: String, says: String) async throws {
        let (answer, closed) = try await send(request)
        #expect(answer.hasPrefix("HTTP/1.1 400 Bad Request\r\n"))
        #expect(answer.lowercased().contains("content-type: application/json; charset=utf-8"))
        #expect(answer.lowercased().contains("connection: close"))
        let error = try #require(errorBody(answer))
        #expect(error.error.code == "bad-request")
        #expect(error.error.message == "malformed HTTP request: \(says)")
        #expect(closed)
    }

    @Test func brokenChunkedBodyIsInvalidBodyAndCloses() async throws {
        let (answer, closed) = try await send(
            "POST /transactions HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                + "Transfer-Encoding: chunked\r\n\r\n2\r\n{}\r\nZZ\r\nxx\r\n")
        #expect(answer.hasPrefix("HTTP/1.1 400 Bad Request\r\n"))
        #expect(errorBody(answer)?.error.code == "invalid-body")
        #expect(closed)
    }

    @Test func garbageAfterAnAnsweredRequestIsJSON400() async throws {
        let (answer, closed) = try await send("GET /status HTTP/1.1\r\nHost: x\r\n\r\nFOO / HTTP/1.1\r\n\r\n")
        #expect(answer.hasPrefix("HTTP/1.1 200 OK\r\n"))
        let second = try #require(answer.range(of: "HTTP/1.1 400 Bad Request\r\n"))
        #expect(errorBody(String(answer[second.lowerBound...]))?.error.code == "bad-request")
        #expect(closed)
    }
}
