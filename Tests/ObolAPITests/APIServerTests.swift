import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import ObolAPI
import ObolAPIModels
import Testing

/// One loopback test of the real server: it binds 127.0.0.1 on a free port,
/// answers, and stops when its task is cancelled.
@Suite(.timeLimit(.minutes(1))) struct APIServerTests {
    @Test(.timeLimit(.minutes(1)))
    func servesOnLoopbackAndStopsOnCancel() async throws {
        let (ports, continuation) = AsyncStream.makeStream(of: Int.self)
        let server = APIServer(backend: FakeBackend(), host: "127.0.0.1", port: 0) { port in
            continuation.yield(port)
        }
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await server.run() }
            var iterator = ports.makeAsyncIterator()
            let port = try #require(await iterator.next())
            #expect(port > 0)
            let url = try #require(URL(string: "http://127.0.0.1:\(port)/status"))
            let (data, response) = try await URLSession.shared.data(from: url)
            #expect((response as? HTTPURLResponse)?.statusCode == 200)
            #expect(try JSONDecoder().decode(StatusResponse.self, from: data).height == 2)
            group.cancelAll()
            try await group.waitForAll()
        }
    }
}
