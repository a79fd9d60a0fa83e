@testable import ObolNode
import ObolTestSupport
import Testing

@Suite(.timeLimit(.minutes(1))) struct InboundEvictionTests {
    /// A candidate connected at second `at` (its id by default); measures in milliseconds or seconds.
    static func candidate(_ id: UInt64, _ group: String = "g", at: Int? = nil, pingMs: Int? = nil,
                          blockAt: Int? = nil, transferAt: Int? = nil, isProtected: Bool = false) -> EvictionCandidate {
        EvictionCandidate(id: id, group: group, connectedAt: .seconds(at ?? Int(id)),
                          pingTime: pingMs.map { .milliseconds($0) }, lastBlockAt: blockAt.map { .seconds($0) },
                          lastTransferAt: transferAt.map { .seconds($0) }, isProtected: isProtected)
    }

    /// Ten candidates of one group, ids 1…10 connected at seconds 1…10. With nothing else kept, the oldest
    /// five are kept for their uptime and 10 is evicted.
    static func ten(_ configure: (UInt64) -> EvictionCandidate = { candidate($0) }) -> [EvictionCandidate] {
        (1...10).map(configure)
    }

    @Test func noCandidatesNoEviction() {
        #expect(InboundEviction.select([]) == nil)
    }

    @Test func aLoneCandidateIsEvicted() {
        #expect(InboundEviction.select([Self.candidate(1)]) == 1)
    }

    @Test func withNoMeasuresTheYoungestIsEvicted() {
        #expect(InboundEviction.select(Self.ten()) == 10)
    }

    @Test func protectedCandidatesAreNeverEvicted() {
        let candidates = (1...6).map { Self.candidate($0, isProtected: $0 == 6) }
        #expect(InboundEviction.select(candidates) == 5)
        #expect(InboundEviction.select((1...6).map { Self.candidate($0, isProtected: true) }) == nil)
    }

    @Test func theFourLowestPingsAreKept() {
        // 7…10 answer fastest: kept; of 1…6, the oldest three are kept for their uptime.
        let candidates = Self.ten { Self.candidate($0, pingMs: $0 >= 7 ? Int($0) : 50) }
        #expect(InboundEviction.select(candidates) == 6)
    }

    @Test func aSlowPingIsKeptBeforeNoPing() {
        // 10 is slow but measured: kept before 1…9, which never answered; of those, 1…4 for their uptime.
        let candidates = Self.ten { Self.candidate($0, pingMs: $0 == 10 ? 900 : nil) }
        #expect(InboundEviction.select(candidates) == 9)
    }

    @Test func theFourThatSentATransferMostRecentlyAreKept() {
        let candidates = Self.ten { Self.candidate($0, transferAt: $0 >= 7 ? 100 + Int($0) : 20) }
        #expect(InboundEviction.select(candidates) == 6)
    }

    @Test func theFourThatSentABlockMostRecentlyAreKept() {
        let candidates = Self.ten { Self.candidate($0, blockAt: $0 >= 7 ? 100 + Int($0) : 20) }
        #expect(InboundEviction.select(candidates) == 6)
    }

    @Test func theProtectionsAddUp() {
        // 10 has the best ping, 9 sent the last transfer, 8 the last block; the next four of each are older.
        var candidates = (1...16).map { Self.candidate($0, pingMs: 500, blockAt: 1, transferAt: 1) }
        candidates[9].pingTime = .milliseconds(1)
        candidates[8].lastTransferAt = .seconds(50)
        candidates[7].lastBlockAt = .seconds(50)
        // Kept: 10, 1, 2, 3 (ping, then lower ids); 9, 4, 5, 6 (transfer); 8, 7, 11, 12 (block);
        // of 13…16, 13 and 14 for their uptime.
        #expect(InboundEviction.select(candidates) == 16)
        candidates[15].pingTime = .milliseconds(2)
        #expect(InboundEviction.select(candidates) == 15)
    }

    @Test func peersThatNeverSentAnythingAreNotKeptForIt() {
        // Without measures, only the uptime half protects: of three, one.
        #expect(InboundEviction.select((1...3).map { Self.candidate($0) }) == 3)
        // Four with measures are all kept, and nothing is left.
        #expect(InboundEviction.select((1...4).map { Self.candidate($0, pingMs: 10) }) == nil)
    }

    @Test func theLongestConnectedHalfIsKept() {
        // Group x has the most connections, but both are among the oldest half (rounded down: two of five).
        let candidates = [Self.candidate(1, "x"), Self.candidate(2, "x"), Self.candidate(3, "y"),
                          Self.candidate(4, "z"), Self.candidate(5, "w")]
        #expect(InboundEviction.select(candidates) == 5)
    }

    @Test func theGroupWithTheMostConnectionsLosesItsYoungest() {
        let oldest = (1...4).map { Self.candidate($0, "old\($0)") }
        let candidates = oldest + [Self.candidate(5, "a"), Self.candidate(6, "a"), Self.candidate(7, "a"),
                                   Self.candidate(8, "b")]
        #expect(InboundEviction.select(candidates) == 7)
    }

    @Test(arguments: [("a", "b"), ("b", "a")])
    func betweenGroupsOfAsManyTheOneWithTheYoungestConnectionLoses(young: String, other: String) {
        let oldest = (1...4).map { Self.candidate($0, "old\($0)") }
        let candidates = oldest + [Self.candidate(5, young), Self.candidate(8, young),
                                   Self.candidate(6, other), Self.candidate(7, other)]
        #expect(InboundEviction.select(candidates) == 8)
    }

    @Test func onEqualMeasuresTheHigherIdCountsAsYoungerAndIsEvicted() {
        let sameTime = (1...6).map { Self.candidate($0, at: 0) }
        #expect(InboundEviction.select(sameTime) == 6)
        // Equal pings: the lower ids are kept (1…4), then 5 for its uptime.
        let samePing = (1...6).map { Self.candidate($0, at: 0, pingMs: 10) }
        #expect(InboundEviction.select(samePing) == 6)
    }

    @Test func theChoiceDoesNotDependOnTheOrderOfTheCandidates() {
        var rng = SeededRandom(seed: 11)
        for _ in 0..<20 {
            let candidates = (1...40 as ClosedRange<UInt64>).map { id in
                Self.candidate(id, "g\(Int.random(in: 0..<5, using: &rng))", at: Int.random(in: 0..<10, using: &rng),
                               pingMs: Bool.random(using: &rng) ? Int.random(in: 1..<5, using: &rng) : nil,
                               blockAt: Bool.random(using: &rng) ? Int.random(in: 0..<3, using: &rng) : nil,
                               transferAt: Bool.random(using: &rng) ? Int.random(in: 0..<3, using: &rng) : nil,
                               isProtected: Int.random(in: 0..<10, using: &rng) == 0)
            }
            let chosen = InboundEviction.select(candidates)
            #expect(chosen != nil)
            for _ in 0..<5 { #expect(InboundEviction.select(candidates.shuffled(using: &rng)) == chosen) }
        }
    }
}
