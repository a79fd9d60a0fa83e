import Hummingbird
import HummingbirdTesting
import ObolAPI
import ObolCore
import Testing

/// `GET /events` over the fake backend: the stream's framing and order, the client limit, and the
/// bounded queue.
@Suite(.timeLimit(.minutes(1))) struct EventsRouteTests {
    let fixture = ChainFixture.shared
    /// No keep-alive comments: the stream holds exactly the events.
    static let quiet = APIOptions(eventKeepAlive: nil)

    /// The stream's opening: the reconnect delay, then the fake's tip (block 2) and mempool (1 transfer).
    var opening: String {
        "retry: 3000\n\n" + tip(fixture.block2.height, fixture.block2.hash) + "event: mempool\ndata: {\"count\":1}\n\n"
    }

    func tip(_ height: UInt64, _ hash: Hash256) -> String {
        "event: tip\ndata: {\"height\":\(height),\"hash\":\"\(hash)\"}\n\n"
    }

    func withEventsRouter(_ backend: FakeBackend, options: APIOptions = quiet, watching address: Address?,
                          _ body: @Sendable (any TestClientProtocol) async throws -> Void) async throws {
        let wallet = address == fixture.aliceAddress ? NodeWallet(key: fixture.alice, token: .random()) : nil
        let app = Application(router: buildRouter(backend: backend, options: options, wallet: wallet))
        try await app.test(.router, body)
    }

    @Test func streamsRetryThenTipMempoolAndWalletEventsInOrder() async throws {
        let backend = FakeBackend()
        let feed = backend.eventFeed
        let alice = fixture.aliceAddress, bob = fixture.bobAddress
        try await withEventsRouter(backend, watching: alice) { client in
            async let response = client.get("/events")
            await feed.waitForSubscribers(1)
            feed.publish(.tip(height: 3, hash: fixture.block1.hash))
            feed.publish(.mempool)
            feed.publish(.wallet, involving: alice)
            feed.publish(.wallet, involving: bob)  // not the node wallet's: not told
            feed.publish(.tip(height: 4, hash: fixture.block2.hash))
            feed.finish()
            let events = try await response
            #expect(events.status == .ok)
            #expect(events.headers[.contentType] == "text/event-stream")
            #expect(events.headers[.cacheControl] == "no-cache")
            #expect(events.text == opening + tip(3, fixture.block1.hash) + "event: mempool\ndata: {\"count\":1}\n\n"
                + "event: wallet\ndata: {}\n\n" + tip(4, fixture.block2.hash))
        }
    }

    @Test func aRouterWithoutAWalletSendsNoWalletEvents() async throws {
        let backend = FakeBackend()
        let feed = backend.eventFeed
        try await withEventsRouter(backend, watching: nil) { client in
            async let response = client.get("/events")
            await feed.waitForSubscribers(1)
            feed.publish(.wallet, involving: fixture.aliceAddress)
            feed.finish()
            let events = try await response
            #expect(events.text == opening)
        }
    }

    @Test func clientsPastTheLimitGet503UntilOneLeaves() async throws {
        let backend = FakeBackend()
        let feed = backend.eventFeed
        var options = Self.quiet
        options.maxEventClients = 2
        try await withEventsRouter(backend, options: options, watching: nil) { client in
            async let first = client.get("/events")
            async let second = client.get("/events")
            await feed.waitForSubscribers(2)
            let third = try await client.get("/events")
            #expect(third.status == .serviceUnavailable)
            #expect(third.errorCode == "too-many-clients")
            #expect(third.headers[.contentType] == "application/json; charset=utf-8")
            feed.finish()
            let (firstDone, secondDone) = try await (first, second)
            #expect(firstDone.status == .ok && secondDone.status == .ok)
            // Both slots are free again: a new client is served (its stream ends at once, the feed is finished).
            let again = try await client.get("/events")
            #expect(again.status == .ok)
            #expect(again.text == opening)
        }
    }

    /// A client behind by more than its queue: the router asks for a queue of `eventQueueSize`, and
    /// what reaches the client is the newest events, in order, never more than the queue holds.
    @Test(arguments: [nil, Duration.seconds(60)])
    func aClientThatFallsBehindLosesTheOldestEvents(keepAlive: Duration?) async throws {
        let backend = FakeBackend()
        let feed = backend.eventFeed
        let tips = (10..<30).map { NodeEvent.tip(height: UInt64($0), hash: fixture.block1.hash) }
        feed.preload(tips)
        var options = APIOptions(eventQueueSize: 4, eventKeepAlive: keepAlive)
        options.maxEventClients = 1
        try await withEventsRouter(backend, options: options, watching: nil) { client in
            async let response = client.get("/events")
            await feed.waitForSubscribers(1)
            feed.finish()
            let expected = (26..<30).map { tip(UInt64($0), fixture.block1.hash) }.joined()
            let events = try await response
            #expect(events.text == opening + expected)
        }
    }

    @Test func headAnswersWithoutHoldingASlot() async throws {
        let backend = FakeBackend()
        var options = Self.quiet
        options.maxEventClients = 1
        try await withEventsRouter(backend, options: options, watching: nil) { client in
            for _ in 0..<3 {
                let head = try await client.execute(uri: "/events", method: .head)
                #expect(head.status == .ok)
                #expect(head.headers[.contentType] == "text/event-stream")
            }
            #expect(backend.eventFeed.subscriberCount == 0)
        }
    }
}
