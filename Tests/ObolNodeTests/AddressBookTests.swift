@testable import ObolNode
import ObolTestSupport
import ObolWire
import Testing

@Suite(.timeLimit(.minutes(1))) struct AddressBookTests {
    /// An IPv4 endpoint in group "a.b".
    static func endpoint(_ a: Int, _ b: Int, _ d: Int = 1, port: Int = 9_333) -> PeerEndpoint {
        PeerEndpoint(host: "\(a).\(b).0.\(d)", port: port)
    }

    /// `count` endpoints, each in a group of its own.
    static func spread(_ count: Int, first: Int = 10) -> [PeerEndpoint] {
        (0..<count).map { endpoint(first + $0 / 200, $0 % 200) }
    }

    static func book(maxNew: Int = 4_096, maxTried: Int = 1_024, maxPerSource: Int = 256,
                     maxPerGroup: Int = 64) -> AddressBook {
        AddressBook(limits: .init(maxNew: maxNew, maxTried: maxTried, maxPerSource: maxPerSource,
                                  maxPerGroup: maxPerGroup))
    }

    // MARK: - Adding

    @Test func unknownAddressesJoinNew() {
        var book = AddressBook()
        let endpoints = Self.spread(3)
        #expect(book.add(endpoints, source: "1.2", now: 100).count == 3)
        #expect(book.count == 3 && book.newCount == 3 && book.triedCount == 0)
        #expect(endpoints.allSatisfy(book.contains))
        #expect(!book.contains(Self.endpoint(99, 99)))
        #expect(book.entries[endpoints[0]]?.source == "1.2")
        #expect(book.entries[endpoints[0]]?.lastSeen == 100)
    }

    @Test func aKnownAddressIsRefreshedNotAddedAndNeverSeenEarlier() {
        var book = AddressBook()
        let a = Self.endpoint(10, 0)
        book.add([a], source: "1.2", now: 100)
        #expect(book.add([a], source: "3.4", now: 200).count == 0)
        #expect(book.entries[a]?.lastSeen == 200)
        #expect(book.entries[a]?.source == "1.2")  // the first source keeps the credit
        book.add([a], source: "1.2", now: 150)
        #expect(book.entries[a]?.lastSeen == 200)
        #expect(book.count == 1)
    }

    @Test func invalidEndpointsAreIgnored() {
        var book = AddressBook()
        let invalid = [PeerEndpoint(host: "10.0.0.1", port: 0), PeerEndpoint(host: "10.0.0.1", port: 65_536),
                       PeerEndpoint(host: "", port: 9_333)]
        #expect(book.add(invalid, source: "1.2", now: 1).count == 0)
        book.markGood(invalid[0], now: 1)
        #expect(book.count == 0)
    }

    @Test func aRepeatedAddressInOneCallCountsOnce() {
        var book = AddressBook()
        let a = Self.endpoint(10, 0)
        #expect(book.add([a, a, a], source: "1.2", now: 1).count == 1)
        #expect(book.count == 1)
    }

    @Test func oneSourceIsCreditedWithAtMostMaxPerSourceNewEntries() {
        var book = Self.book(maxPerSource: 3)
        let endpoints = Self.spread(6)
        #expect(book.add(endpoints, source: "1.2", now: 1).count == 3)
        #expect(book.creditedCount(of: "1.2") == 3)
        #expect(book.add(endpoints, source: "5.6", now: 1).count == 3)  // another source has its own cap
        // An entry that connected is no longer on its source's credit.
        book.markGood(endpoints[0], now: 2)
        #expect(book.creditedCount(of: "1.2") == 2)
        #expect(book.add(Self.spread(1, first: 50), source: "1.2", now: 3).count == 1)
        // Removing one frees its place too.
        book.remove(endpoints[1])
        #expect(book.add(Self.spread(1, first: 60), source: "1.2", now: 3).count == 1)
        #expect(book.add(Self.spread(1, first: 70), source: "1.2", now: 3).count == 0)
    }

    @Test func oneGroupHoldsAtMostMaxPerGroupEntriesOfBothTables() {
        var book = Self.book(maxPerGroup: 3)
        let group = (1...5).map { Self.endpoint(10, 0, $0) }
        #expect(book.add(group, source: "1.2", now: 1).count == 3)
        book.markGood(group[0], now: 2)  // in tried, it still counts for its group
        #expect(book.add(group, source: "5.6", now: 3).count == 0)
        #expect(book.groupCount(of: "10.0") == 3)
        #expect(book.add([Self.endpoint(10, 1)], source: "5.6", now: 3).count == 1)  // another group
        book.remove(group[0])
        #expect(book.add(group, source: "5.6", now: 4).count == 1)
    }

    @Test func aFullNewTableEvictsTheEntryWithTheMostFailures() {
        var book = Self.book(maxNew: 3)
        let held = Self.spread(3)
        book.add(held, source: "1.2", now: 100)
        book.markFailed(held[1], now: 101)
        book.markFailed(held[1], now: 102)
        book.markFailed(held[2], now: 103)
        let incoming = Self.endpoint(50, 0)
        #expect(book.add([incoming], source: "1.2", now: 200).count == 1)
        #expect(!book.contains(held[1]))
        #expect(book.contains(held[0]) && book.contains(held[2]) && book.contains(incoming))
        #expect(book.newCount == 3)
    }

    @Test func onEqualFailuresTheLongestUnseenIsEvicted() {
        var book = Self.book(maxNew: 3)
        let held = Self.spread(3)
        book.add([held[0]], source: "1.2", now: 100)
        book.add([held[1]], source: "1.2", now: 50)
        book.add([held[2]], source: "1.2", now: 200)
        book.add([Self.endpoint(50, 0)], source: "1.2", now: 300)
        #expect(!book.contains(held[1]))
        #expect(book.newCount == 3)
    }

    @Test func additionsEvictOnlyAsManyAsTheyNeedTheWorstFirst() {
        var book = Self.book(maxNew: 5)
        let held = Self.spread(5)
        for (index, endpoint) in held.enumerated() { book.add([endpoint], source: "1.2", now: UInt64(100 + index)) }
        #expect(book.add(Self.spread(2, first: 50), source: "1.2", now: 300).count == 2)
        #expect(book.newCount == 5)
        #expect(!book.contains(held[0]) && !book.contains(held[1]))
        #expect(held[2...].allSatisfy(book.contains))
    }

    @Test func aCallNeverEvictsWhatItAddedItself() {
        var book = Self.book(maxNew: 2)
        let endpoints = Self.spread(5)
        #expect(book.add(endpoints, source: "1.2", now: 1).count == 2)
        #expect(book.contains(endpoints[0]) && book.contains(endpoints[1]))
        // A later call replaces them.
        #expect(book.add(Self.spread(3, first: 50), source: "1.2", now: 2).count == 2)
        #expect(book.newCount == 2 && !book.contains(endpoints[0]))
    }

    // MARK: - Tried and new

    @Test func aGoodConnectionMovesTheEntryToTriedAndClearsItsCounts() throws {
        var book = AddressBook()
        let a = Self.endpoint(10, 0)
        book.add([a], source: "1.2", now: 100)
        book.markAttempt(a, now: 110)
        book.markFailed(a, now: 111)
        book.markAttempt(a, now: 200)
        #expect(book.entries[a]?.attempts == 2 && book.entries[a]?.failures == 1)
        book.markGood(a, now: 201)
        let entry = try #require(book.entries[a])
        #expect(entry.isTried && entry.attempts == 0 && entry.failures == 0)
        #expect(entry.lastSuccess == 201 && entry.lastSeen == 201)
        #expect(book.triedCount == 1 && book.newCount == 0)
    }

    @Test func aGoodConnectionToAnUnknownAddressRecordsIt() {
        var book = AddressBook()
        let a = Self.endpoint(10, 0)
        book.markGood(a, now: 5)
        #expect(book.entries[a]?.isTried == true)
        #expect(book.entries[a]?.source == AddressBook.connectedSource)
        #expect(book.triedCount == 1)
    }

    @Test func anUnknownGoodAddressInAFullGroupTakesTheGroupsWorstNewPlace() {
        var book = Self.book(maxPerGroup: 2)
        let (a, b, c) = (Self.endpoint(10, 0, 1), Self.endpoint(10, 0, 2), Self.endpoint(10, 0, 3))
        book.add([a, b], source: "1.2", now: 100)
        book.markFailed(b, now: 101)
        book.markGood(c, now: 102)
        #expect(book.contains(a) && !book.contains(b) && book.entries[c]?.isTried == true)
        // With the group all in tried, an unknown address of it is not recorded.
        book.markGood(a, now: 103)
        book.markGood(b, now: 104)
        #expect(!book.contains(b) && book.groupCount(of: "10.0") == 2)
    }

    @Test func aFullTriedTableSendsItsOldestSuccessBackToNew() throws {
        var book = Self.book(maxTried: 2)
        let endpoints = Self.spread(3)
        for (index, endpoint) in endpoints.enumerated() { book.markGood(endpoint, now: UInt64(10 * (index + 1))) }
        #expect(book.triedCount == 2 && book.newCount == 1)
        let demoted = try #require(book.entries[endpoints[0]])
        #expect(!demoted.isTried && demoted.lastSuccess == 10)
        #expect(book.entries[endpoints[1]]?.isTried == true && book.entries[endpoints[2]]?.isTried == true)
        // Marking a tried entry good again moves nothing.
        book.markGood(endpoints[1], now: 40)
        #expect(book.triedCount == 2 && book.newCount == 1)
    }

    @Test func aDemotionIntoAFullNewTableEvictsTheWorstOfNew() {
        var book = Self.book(maxNew: 2, maxTried: 1)
        let (x, y, a, z) = (Self.endpoint(10, 0), Self.endpoint(11, 0), Self.endpoint(12, 0), Self.endpoint(13, 0))
        book.markGood(a, now: 50)
        book.add([x, y], source: "1.2", now: 100)
        book.markFailed(y, now: 101)
        book.markGood(z, now: 102)
        #expect(book.entries[z]?.isTried == true)
        #expect(book.entries[a]?.isTried == false)
        #expect(book.contains(x) && !book.contains(y))
        #expect(book.newCount == 2 && book.triedCount == 1)
    }

    @Test func aNewEntryIsDroppedAtItsFifthFailure() {
        var book = AddressBook()
        let a = Self.endpoint(10, 0)
        book.add([a], source: "1.2", now: 1)
        for second in 1...4 { book.markFailed(a, now: UInt64(second)) }
        #expect(book.entries[a]?.failures == 4)
        book.markFailed(a, now: 5)
        #expect(!book.contains(a) && book.count == 0 && book.creditedCount(of: "1.2") == 0)
    }

    @Test func failuresNeverDropAnEntryThatConnectedOnce() {
        var book = Self.book(maxTried: 1)
        let (a, b) = (Self.endpoint(10, 0), Self.endpoint(11, 0))
        book.markGood(a, now: 1)
        for second in 2...11 { book.markFailed(a, now: UInt64(second)) }
        #expect(book.entries[a]?.isTried == true && book.entries[a]?.failures == 10)
        book.markGood(b, now: 20)  // a goes back to new, with its success on record
        for second in 21...30 { book.markFailed(a, now: UInt64(second)) }
        #expect(book.entries[a]?.isTried == false && book.contains(a))
    }

    @Test func attemptsAndFailuresOfUnknownAddressesChangeNothing() {
        var book = AddressBook()
        book.markAttempt(Self.endpoint(10, 0), now: 1)
        book.markFailed(Self.endpoint(10, 0), now: 1)
        book.remove(Self.endpoint(10, 0))
        #expect(book.count == 0)
    }

    @Test func removeForgetsAnEntryOfEitherTable() {
        var book = AddressBook()
        let (a, b) = (Self.endpoint(10, 0), Self.endpoint(11, 0))
        book.add([a, b], source: "1.2", now: 1)
        book.markGood(b, now: 2)
        book.remove(a)
        book.remove(b)
        #expect(book.count == 0 && book.newCount == 0 && book.triedCount == 0)
        #expect(book.groupCount(of: "10.0") == 0 && book.creditedCount(of: "1.2") == 0)
    }

    @Test func limitsAreAtLeastOne() {
        var limits = AddressBook.Limits(maxNew: 0, maxTried: -1, maxPerSource: 0, maxPerGroup: 0)
        #expect(limits == .init(maxNew: 1, maxTried: 1, maxPerSource: 1, maxPerGroup: 1))
        limits.maxNew = 0
        #expect(AddressBook(limits: limits).limits.maxNew == 1)
        #expect(AddressBook.Limits() == .init(maxNew: 4_096, maxTried: 1_024, maxPerSource: 256, maxPerGroup: 64))
    }

    // MARK: - Selecting

    /// A book of `tried` tried and `fresh` new entries, each in a group of its own.
    static func mixedBook(tried: Int, fresh: Int) -> AddressBook {
        var book = AddressBook()
        for endpoint in spread(tried, first: 10) { book.markGood(endpoint, now: 1) }
        book.add(spread(fresh, first: 100), source: "1.2", now: 1)
        return book
    }

    @Test func selectTakesAtMostOneAddressPerGroup() {
        var book = AddressBook()
        book.add((1...10).map { Self.endpoint(10, 0, $0) } + (1...10).map { Self.endpoint(11, 0, $0) },
                 source: "1.2", now: 1)
        var rng = SeededRandom(seed: 1)
        let picked = book.select(count: 5, now: 1_000, excluding: { _ in false }, using: &rng)
        #expect(picked.count == 2)
        #expect(Set(picked.map(\.group)) == ["10.0", "11.0"])
    }

    @Test(arguments: [4, 6, 10]) func selectTakesHalfFromTriedAndHalfFromNew(count: Int) {
        let book = Self.mixedBook(tried: 20, fresh: 20)
        var rng = SeededRandom(seed: UInt64(count))
        let picked = book.select(count: count, now: 1_000, excluding: { _ in false }, using: &rng)
        #expect(picked.count == count && Set(picked).count == count)
        #expect(picked.filter { book.entries[$0]!.isTried }.count == count / 2)
    }

    @Test func selectFallsBackToWhicheverTableHasEntries() {
        var rng = SeededRandom(seed: 2)
        let onlyNew = Self.mixedBook(tried: 0, fresh: 6)
        #expect(onlyNew.select(count: 4, now: 1_000, excluding: { _ in false }, using: &rng).count == 4)
        let onlyTried = Self.mixedBook(tried: 6, fresh: 0)
        #expect(onlyTried.select(count: 10, now: 1_000, excluding: { _ in false }, using: &rng).count == 6)
        let fewTried = Self.mixedBook(tried: 1, fresh: 6)
        let picked = fewTried.select(count: 5, now: 1_000, excluding: { _ in false }, using: &rng)
        #expect(picked.count == 5 && picked.filter { fewTried.entries[$0]!.isTried }.count == 1)
        #expect(AddressBook().select(count: 3, now: 1, excluding: { _ in false }, using: &rng).isEmpty)
        #expect(onlyNew.select(count: 0, now: 1_000, excluding: { _ in false }, using: &rng).isEmpty)
    }

    @Test func aSingleCandidateComesFromEitherTable() {
        let book = Self.mixedBook(tried: 5, fresh: 5)
        var kinds: Set<Bool> = []
        for seed in 0..<32 as Range<UInt64> {
            var rng = SeededRandom(seed: seed)
            let picked = book.select(count: 1, now: 1_000, excluding: { _ in false }, using: &rng)
            kinds.insert(book.entries[picked[0]]!.isTried)
        }
        #expect(kinds == [true, false])
    }

    @Test func selectSkipsExcludedAddresses() {
        let book = Self.mixedBook(tried: 3, fresh: 3)
        let excluded = Set(Self.spread(3, first: 10) + [Self.spread(3, first: 100)[0]])
        for seed in 0..<8 as Range<UInt64> {
            var rng = SeededRandom(seed: seed)
            let picked = book.select(count: 6, now: 1_000, excluding: excluded.contains, using: &rng)
            #expect(Set(picked) == Set(Self.spread(3, first: 100)[1...]))
        }
    }

    @Test func selectWaitsSixtySecondsAfterAnAttempt() {
        var book = AddressBook()
        let (a, b, c) = (Self.endpoint(10, 0), Self.endpoint(11, 0), Self.endpoint(12, 0))
        book.add([a, b, c], source: "1.2", now: 1)
        book.markAttempt(a, now: 1_000)
        book.markFailed(b, now: 1_000)  // a failure counts as an attempt then
        book.markAttempt(c, now: 2_000)  // later than `now`: recent too
        var rng = SeededRandom(seed: 3)
        let early = book.select(count: 3, now: 1_059, excluding: { _ in false }, using: &rng)
        #expect(early.isEmpty)
        let due = book.select(count: 3, now: 1_060, excluding: { _ in false }, using: &rng)
        #expect(Set(due) == [a, b])
    }

    @Test func theSameGeneratorGivesTheSameChoice() {
        let book = Self.mixedBook(tried: 30, fresh: 30)
        var first = SeededRandom(seed: 7), second = SeededRandom(seed: 7)
        let one = book.select(count: 8, now: 1_000, excluding: { _ in false }, using: &first)
        let two = book.select(count: 8, now: 1_000, excluding: { _ in false }, using: &second)
        #expect(one == two)
        #expect(book.sample(count: 10, using: &first).map(\.endpoint)
            == book.sample(count: 10, using: &second).map(\.endpoint))
    }

    @Test func sampleGivesDistinctEntriesOfBothTablesWithTheirLastSeen() {
        var book = Self.mixedBook(tried: 5, fresh: 5)
        book.add([Self.spread(1, first: 100)[0]], source: "1.2", now: 77)
        var rng = SeededRandom(seed: 4)
        let some = book.sample(count: 4, using: &rng)
        #expect(some.count == 4 && Set(some.map(\.endpoint)).count == 4)
        let all = book.sample(count: 50, using: &rng)
        #expect(Set(all.map(\.endpoint)) == Set(book.entries.keys))
        #expect(all.allSatisfy { $0.lastSeen == book.entries[$0.endpoint]!.lastSeen })
        #expect(all.contains { $0.lastSeen == 77 })
        #expect(book.sample(count: 0, using: &rng).isEmpty)
        // Different draws differ.
        let draws = Set((0..<8).map { _ in book.sample(count: 3, using: &rng).map(\.endpoint) })
        #expect(draws.count > 1)
    }
}
