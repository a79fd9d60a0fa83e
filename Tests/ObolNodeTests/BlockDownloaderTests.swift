import ObolCore
@testable import ObolNode
import Testing

@Suite(.timeLimit(.minutes(1)))
struct BlockDownloaderTests {
    static func hash(_ n: Int) -> Hash256 { SHA256.hash(Array("block-\(n)".utf8)) }

    static func wanted(_ range: ClosedRange<Int>, holders: Set<UInt64>) -> [DownloadCandidate] {
        range.map { DownloadCandidate(hash: hash($0), height: UInt64($0), holders: holders) }
    }

    static func downloader() -> BlockDownloader {
        BlockDownloader(maxPerPeer: 16, initialTimeout: .seconds(2), maxTimeout: .seconds(64))
    }

    @Test func spreadsBlocksOverPeersSixteenEach() {
        var downloader = Self.downloader()
        let requests = downloader.assign(Self.wanted(1...100, holders: [1, 2, 3]), peers: [1, 2, 3], now: .zero)
        #expect(requests.mapValues(\.count) == [1: 16, 2: 16, 3: 16])
        #expect(downloader.inFlight.count == 48)
        // The lowest blocks go out first.
        #expect(Set(requests.values.flatMap { $0 }) == Set((1...48).map(Self.hash)))
    }

    @Test func asksOnlyPeersThatHoldTheBlock() {
        var downloader = Self.downloader()
        var wanted = Self.wanted(1...4, holders: [2])
        wanted[0].holders = [1]
        let requests = downloader.assign(wanted, peers: [1, 2], now: .zero)
        #expect(requests[1] == [Self.hash(1)])
        #expect(requests[2] == (2...4).map(Self.hash))
    }

    @Test func freeSlotsCountTheRoomOfPeersThatAreNotResting() {
        var downloader = Self.downloader()
        #expect(downloader.freeSlots(peers: [1, 2], now: .zero) == 32)
        _ = downloader.assign(Self.wanted(1...20, holders: [1]), peers: [1, 2], now: .zero)
        #expect(downloader.freeSlots(peers: [1, 2], now: .zero) == 16)
        _ = downloader.expire(now: .seconds(3))
        // Peer 1 stalled: it rests, so only peer 2's room counts until its doubled timeout has passed.
        #expect(downloader.freeSlots(peers: [1, 2], now: .seconds(3)) == 16)
        #expect(downloader.freeSlots(peers: [1, 2], now: .seconds(7)) == 32)
    }

    @Test func aPeerThatKeepsDeliveringIsNotStalledByItsQueuedRequests() {
        var downloader = Self.downloader()
        _ = downloader.assign(Self.wanted(1...16, holders: [1]), peers: [1], now: .zero)
        _ = downloader.assign(Self.wanted(17...32, holders: [2]), peers: [2], now: .zero)
        // Peer 1's blocks are validated one after another, 1.5 s each: it delivers, and its other requests
        // wait behind them. Peer 2 delivers nothing.
        for (index, block) in (1...3).enumerated() {
            downloader.received(Self.hash(block), from: 1, now: .milliseconds(1_500 * (index + 1)))
        }
        let released = downloader.expire(now: .milliseconds(4_500))
        #expect(released[1] == nil, "peer 1 delivered 0 s ago")
        #expect(released[2]?.count == 16, "peer 2 delivered nothing for 4.5 s")
        // Silent from then on, peer 1 stalls too.
        #expect(downloader.expire(now: .milliseconds(6_500))[1]?.count == 13)
    }

    @Test func stalledRequestsGoToAnotherPeerAndTheStallerRests() {
        var downloader = Self.downloader()
        _ = downloader.assign(Self.wanted(1...16, holders: [1, 2]), peers: [1], now: .zero)
        #expect(downloader.expire(now: .seconds(1)).isEmpty)
        let released = downloader.expire(now: .seconds(2))
        #expect(released[1]?.count == 16)
        #expect(downloader.timeout(of: 1) == .seconds(4))
        // Peer 1 rests for its new timeout: the blocks go to peer 2.
        let again = downloader.assign(Self.wanted(1...16, holders: [1, 2]), peers: [1, 2], now: .seconds(2))
        #expect(again[1] == nil)
        #expect(again[2]?.count == 16)
        let later = downloader.assign(Self.wanted(17...20, holders: [1, 2]), peers: [1, 2], now: .seconds(6))
        #expect(later[1]?.count == 4)
    }

    @Test func timeoutDoublesUpToTheMaximumAndHalvesWhenBlocksComeFast() {
        var downloader = Self.downloader()
        var now = Duration.zero
        for _ in 0..<8 {
            _ = downloader.assign(Self.wanted(1...1, holders: [1]), peers: [1], now: now)
            now += downloader.timeout(of: 1)
            _ = downloader.expire(now: now)
            now += downloader.timeout(of: 1)
        }
        #expect(downloader.timeout(of: 1) == .seconds(64))
        _ = downloader.assign(Self.wanted(1...1, holders: [1]), peers: [1], now: now)
        // Slower than a quarter of the timeout: it stays.
        downloader.received(Self.hash(1), from: 1, now: now + .seconds(20))
        #expect(downloader.timeout(of: 1) == .seconds(64))
        _ = downloader.assign(Self.wanted(2...2, holders: [1]), peers: [1], now: now)
        downloader.received(Self.hash(2), from: 1, now: now + .seconds(1))
        #expect(downloader.timeout(of: 1) == .seconds(32))
    }

    @Test func notFoundAndDepartureReleaseRequests() {
        var downloader = Self.downloader()
        _ = downloader.assign(Self.wanted(1...4, holders: [1]), peers: [1], now: .zero)
        downloader.notFound([Self.hash(1)], from: 1)
        downloader.notFound([Self.hash(2)], from: 9)  // not asked of 9: ignored
        #expect(downloader.inFlight.count == 3)
        #expect(downloader.load(of: 1) == 3)
        downloader.remove(peer: 1)
        #expect(downloader.inFlight.isEmpty)
        #expect(downloader.load(of: 1) == 0)
    }
}
