import ObolCore
import ObolNode
import Testing

@Suite(.timeLimit(.minutes(1)))
struct TransferFetcherTests {
    static func hash(_ n: Int) -> Hash256 { SHA256.hash(Array("transfer-\(n)".utf8)) }

    @Test func asksOneAnnouncerAtATime() {
        var fetcher = TransferFetcher(timeout: .seconds(10), maxPerPeer: 100)
        #expect(fetcher.announced([Self.hash(1)], by: 1, now: .zero) == [Self.hash(1)])
        // A second announcer is remembered, not asked.
        #expect(fetcher.announced([Self.hash(1)], by: 2, now: .zero) == [])
        #expect(fetcher.pending(of: 2) == 1)
        fetcher.received(Self.hash(1))
        #expect(fetcher.count == 0)
        #expect(fetcher.pending(of: 1) == 0 && fetcher.pending(of: 2) == 0)
    }

    @Test func timeoutNotFoundAndDepartureMoveToTheNextAnnouncer() {
        var fetcher = TransferFetcher(timeout: .seconds(10), maxPerPeer: 100)
        _ = fetcher.announced([Self.hash(1), Self.hash(2), Self.hash(3)], by: 1, now: .zero)
        _ = fetcher.announced([Self.hash(1), Self.hash(2), Self.hash(3)], by: 2, now: .zero)
        _ = fetcher.announced([Self.hash(3)], by: 3, now: .zero)
        #expect(fetcher.expire(now: .seconds(9)).isEmpty)
        let next = fetcher.notFound(Self.hash(1), from: 1, now: .seconds(1))
        #expect(next?.peer == 2 && next?.hash == Self.hash(1))
        #expect(fetcher.notFound(Self.hash(2), from: 2, now: .seconds(1)) == nil)  // not asked of 2
        let moved = fetcher.remove(peer: 1, now: .seconds(2))
        #expect(Set(moved.map(\.hash)) == [Self.hash(2), Self.hash(3)])
        #expect(moved.allSatisfy { $0.peer == 2 })
        let expired = fetcher.expire(now: .seconds(12))
        #expect(expired.map(\.peer) == [3])
        // Nobody left for 1 and 2: forgotten.
        #expect(fetcher.count == 1)
    }

    @Test func tooManyOutstandingAnnouncementsIsAFlood() {
        var fetcher = TransferFetcher(timeout: .seconds(10), maxPerPeer: 3)
        #expect(fetcher.announced((1...3).map(Self.hash), by: 1, now: .zero)?.count == 3)
        #expect(fetcher.announced([Self.hash(4)], by: 1, now: .zero) == nil)
        // Another peer is not affected.
        #expect(fetcher.announced([Self.hash(5)], by: 2, now: .zero) == [Self.hash(5)])
    }

    @Test func tracksABoundedNumberOfTransfers() {
        var fetcher = TransferFetcher(timeout: .seconds(10), maxPerPeer: 1_000, maxTracked: 10)
        let asked = fetcher.announced((1...50).map(Self.hash), by: 1, now: .zero)
        #expect(asked?.count == 10)
        #expect(fetcher.count == 10)
    }
}
