import Foundation
@testable import ObolNode
import ObolTestSupport
import Testing

@Suite(.timeLimit(.minutes(1))) struct BanListTests {
    func inTemporaryDirectory(_ body: (String, String) throws -> Void) throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("obol-bans-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try body(directory, directory + "/bans.json")
    }

    func write(_ text: String, to path: String) throws {
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
    }

    /// A list of `count` hosts "h0", "h1"…, banned until 1000 + their number.
    func fullList(_ count: Int) -> BanList {
        var list = BanList()
        for index in 0..<count { _ = list.ban(host: "h\(index)", until: 1_000 + UInt64(index), reason: "") }
        return list
    }

    @Test func aHostIsBannedUntilItsBanEnds() {
        var list = BanList()
        var accepted: Bool
        accepted = list.ban(host: "10.0.0.1", until: 100, reason: "spam")
        #expect(accepted)
        #expect(list.isBanned("10.0.0.1", now: 0))
        #expect(list.isBanned("10.0.0.1", now: 99))
        #expect(!list.isBanned("10.0.0.1", now: 100))
        #expect(!list.isBanned("10.0.0.2", now: 0))
        #expect(list.bans == [PeerBan(host: "10.0.0.1", until: 100, reason: "spam")])
    }

    @Test func banningAgainReplacesTheBan() {
        var list = BanList()
        var accepted: Bool
        _ = list.ban(host: "10.0.0.1", until: 100, reason: "first")
        accepted = list.ban(host: "10.0.0.1", until: 50, reason: "second")
        #expect(accepted)
        #expect(list.bans == [PeerBan(host: "10.0.0.1", until: 50, reason: "second")])
        #expect(!list.isBanned("10.0.0.1", now: 60))
    }

    @Test func unbanLiftsABanAndSaysWhetherThereWasOne() {
        var list = BanList()
        var lifted: Bool
        _ = list.ban(host: "10.0.0.1", until: 100, reason: "")
        lifted = list.unban(host: "10.0.0.1")
        #expect(lifted)
        #expect(!list.isBanned("10.0.0.1", now: 0))
        lifted = list.unban(host: "10.0.0.1")
        #expect(!lifted)
        #expect(list.count == 0)
    }

    @Test func bansAreListedByHost() {
        var list = BanList()
        for host in ["c", "a", "b"] { _ = list.ban(host: host, until: 9, reason: host) }
        #expect(list.bans.map(\.host) == ["a", "b", "c"])
    }

    @Test func expireRemovesTheBansThatAreOver() {
        var list = BanList()
        _ = list.ban(host: "a", until: 100, reason: "")
        _ = list.ban(host: "b", until: 200, reason: "")
        _ = list.ban(host: "c", until: 300, reason: "")
        #expect(list.expire(now: 50) == 0)
        #expect(list.expire(now: 200) == 2)
        #expect(list.bans.map(\.host) == ["c"])
        #expect(list.expire(now: 200) == 0)
    }

    @Test func aFullListRefusesNewHostsButStillUpdatesItsOwn() {
        var list = fullList(BanList.maxBans)
        var accepted: Bool
        #expect(list.count == BanList.maxBans)
        accepted = list.ban(host: "one-more", until: 5_000, reason: "")
        #expect(!accepted)
        #expect(!list.isBanned("one-more", now: 0) && list.count == BanList.maxBans)
        accepted = list.ban(host: "h7", until: 5_000, reason: "longer")
        #expect(accepted)
        #expect(list.isBanned("h7", now: 4_999))
        list.unban(host: "h0")
        accepted = list.ban(host: "one-more", until: 5_000, reason: "")
        #expect(accepted)
    }

    @Test func emptyAndOverlongHostsAreRefused() {
        var list = BanList()
        var accepted: Bool
        accepted = list.ban(host: "", until: 5, reason: "")
        #expect(!accepted)
        accepted = list.ban(host: String(repeating: "h", count: BanList.maxHostLength + 1), until: 5, reason: "")
        #expect(!accepted)
        accepted = list.ban(host: String(repeating: "h", count: BanList.maxHostLength), until: 5, reason: "")
        #expect(accepted)
        #expect(list.count == 1)
    }

    @Test func aReasonIsCutToItsMaximumLength() {
        var list = BanList()
        _ = list.ban(host: "a", until: 5, reason: String(repeating: "é", count: 1_000))
        #expect(list.bans[0].reason == String(repeating: "é", count: BanList.maxReasonLength))
    }

    // MARK: - On disk

    @Test func aSavedListLoadsAsItWas() throws {
        var list = BanList()
        _ = list.ban(host: "10.0.0.1", until: 100, reason: "spam")
        _ = list.ban(host: "::1", until: 200, reason: "quoted \"reason\"\nwith a newline")
        try inTemporaryDirectory { directory, path in
            try list.save(to: path)
            #expect(try BanList.load(from: path).bans == list.bans)
            list.unban(host: "::1")
            try list.save(to: path)
            #expect(try BanList.load(from: path).bans == list.bans)
            #expect(try FileManager.default.contentsOfDirectory(atPath: directory) == ["bans.json"])
            let json = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path)))
                as? [String: Any])
            #expect(json["version"] as? Int == BanList.fileVersion)
        }
    }

    @Test func aMissingFileGivesAnEmptyList() throws {
        try inTemporaryDirectory { _, path in
            let list = try BanList.load(from: path)
            #expect(list.count == 0)
        }
    }

    @Test(arguments: ["", "{", "{\"version\": 1}", "{\"version\": \"1\", \"bans\": []}",
                      "{\"version\": 1, \"bans\": [{\"host\": \"a\", \"until\": -1, \"reason\": \"\"}]}"])
    func aDamagedFileIsRefusedClearly(text: String) throws {
        try inTemporaryDirectory { _, path in
            try write(text, to: path)
            let error = #expect(throws: PeerFileError.self) { try BanList.load(from: path) }
            #expect(error?.code == .corrupt)
            #expect(error?.message.contains(path) == true)
        }
    }

    @Test func anotherVersionIsRefusedAsSuch() throws {
        try inTemporaryDirectory { _, path in
            try write("{\"version\": 0, \"bans\": []}", to: path)
            let error = #expect(throws: PeerFileError.self) { try BanList.load(from: path) }
            #expect(error?.code == .unsupportedVersion)
        }
    }

    @Test func loadingKeepsTheBansThatEndLastWithinTheLimit() throws {
        let extra = 5
        let bans = (0..<BanList.maxBans + extra).map { PeerBan(host: "h\($0)", until: 1_000 + UInt64($0), reason: "") }
        try inTemporaryDirectory { _, path in
            var rng = SeededRandom(seed: 1)
            let data = try JSONEncoder().encode(BanList.File(version: 1, bans: bans.shuffled(using: &rng)))
            try data.write(to: URL(fileURLWithPath: path))
            let list = try BanList.load(from: path)
            #expect(list.count == BanList.maxBans)
            #expect((0..<extra).allSatisfy { !list.isBanned("h\($0)", now: 0) })
            #expect(list.isBanned("h\(extra)", now: 0))
        }
    }

    @Test func loadingDropsInvalidHostsKeepsTheLatestOfARepeatedHostAndCutsReasons() throws {
        let bans = [PeerBan(host: "", until: 10, reason: ""),
                    PeerBan(host: String(repeating: "h", count: 300), until: 10, reason: ""),
                    PeerBan(host: "a", until: 10, reason: "early"),
                    PeerBan(host: "a", until: 30, reason: "late"),
                    PeerBan(host: "a", until: 20, reason: "middle"),
                    PeerBan(host: "b", until: 1, reason: String(repeating: "r", count: 5_000))]
        try inTemporaryDirectory { _, path in
            try JSONEncoder().encode(BanList.File(version: 1, bans: bans)).write(to: URL(fileURLWithPath: path))
            let list = try BanList.load(from: path)
            #expect(list.bans.map(\.host) == ["a", "b"])
            #expect(list.bans[0] == PeerBan(host: "a", until: 30, reason: "late"))
            #expect(list.bans[1].reason.count == BanList.maxReasonLength)
            #expect(list.bans[1].until == 1)  // over already: kept until `expire`
        }
    }
}
