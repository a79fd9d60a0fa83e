import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
#if canImport(Glibc)
import Glibc
#endif
import ObolAPI
import ObolAPIModels
import Testing

/// Limits an embedding program sets: out-of-range values are clamped, not
/// left to trap or empty every page, and idle connections are closed.
@Suite(.timeLimit(.minutes(1))) struct APIOptionsTests {
    @Test func limitsBelowOneAreRaisedToOne() {
        var options = APIOptions(maxBodySize: -5, maxPageSize: 0, maxMempoolListing: -1, idleTimeout: .zero)
        #expect(options.maxBodySize == 1)
        #expect(options.maxPageSize == 1)
        #expect(options.maxMempoolListing == 1)
        #expect(options.idleTimeout == .seconds(1))
        options.maxPageSize = -3
        options.idleTimeout = .milliseconds(-10)
        #expect(options.maxPageSize == 1)
        #expect(options.idleTimeout == .seconds(1))
        options.maxPageSize = 7
        #expect(options.maxPageSize == 7)
    }

    @Test func aPageSizeOfZeroServesOneItemPagesInsteadOfTrapping() async throws {
        try await withRouter(options: APIOptions(maxPageSize: 0)) { client in
            for uri in ["/blocks", "/blocks?limit=5", "/blocks?order=asc&limit=5"] {
                let response = try await client.get(uri)
                #expect(response.status == .ok, "\(uri)")
                #expect(try response.decode(BlockListResponse.self).blocks.count == 1, "\(uri)")
            }
        }
    }

    @Test func theDefaultPageIsCappedByTheMaximum() async throws {
        try await withRouter(options: APIOptions(maxPageSize: 2)) { client in
            let page: BlockListResponse = try await client.get("/blocks").decode()
            #expect(page.blocks.count == 2)
        }
    }

    @Test func mempoolListingHonoursItsLimitAndCountsEverything() async throws {
        let backend = FakeBackend()
        try await withRouter(backend, options: APIOptions(maxMempoolListing: 0)) { client in
            let listing: MempoolResponse = try await client.get("/mempool").decode()
            #expect(listing.count == 1)
            #expect(listing.transactions.count == 1)
        }
    }

    /// A client that connects and sends nothing is disconnected after the
    /// idle timeout (loopback only).
    @Test(.timeLimit(.minutes(1)))
    func anIdleConnectionIsClosed() async throws {
        let (ports, continuation) = AsyncStream.makeStream(of: Int.self)
        let server = APIServer(backend: FakeBackend(), host: "127.0.0.1", port: 0,
                               options: APIOptions(idleTimeout: .seconds(1))) { continuation.yield($0) }
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await server.run() }
            var iterator = ports.makeAsyncIterator()
            let port = try #require(await iterator.next())
            let started = ContinuousClock.now
            let closed = try await IdleSocket.connectAndWaitForClose(port: port, giveUpAfter: .seconds(20))
            #expect(closed, "the server kept an idle connection open for 20 s")
            #expect(ContinuousClock.now - started >= .milliseconds(900))
            group.cancelAll()
            try await group.waitForAll()
        }
    }
}

extension APIOptionsTests {
    /// With one connection allowed, a second client is not served while an idle one holds the slot; it is
    /// served once the server closes the idle one (after its idle timeout).
    @Test(.timeLimit(.minutes(1)))
    func connectionsPastTheLimitWaitForASlot() async throws {
        let (ports, continuation) = AsyncStream.makeStream(of: Int.self)
        let server = APIServer(backend: FakeBackend(), host: "127.0.0.1", port: 0,
                               options: APIOptions(idleTimeout: .seconds(1), maxConnections: 1)) { continuation.yield($0) }
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await server.run() }
            var iterator = ports.makeAsyncIterator()
            let port = try #require(await iterator.next())
            let idle = try IdleSocket.connect(port: port)
            defer { close(idle) }
            // One request answered on it first: the server has surely accepted and counted it (several queued
            // connections may be accepted in one go), and its idle time starts after the answer.
            #expect(await IdleSocket.onThread { IdleSocket.exchange(idle, "GET /status HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n") } > 0)
            let started = ContinuousClock.now
            let (data, response) = try await URLSession.shared.data(from: URL(string: "http://127.0.0.1:\(port)/status")!)
            let served = ContinuousClock.now - started
            #expect((response as? HTTPURLResponse)?.statusCode == 200)
            #expect(!data.isEmpty)
            #expect(served >= .milliseconds(900), "served after \(served), while the idle connection held the only slot")
            #expect(await IdleSocket.onThread { IdleSocket.waitForClose(idle, timeout: .seconds(1)) },
                    "the idle connection was closed first")
            group.cancelAll()
            try await group.waitForAll()
        }
    }
}
