import Foundation
@testable import ObolNode
import ObolWire
import Testing

@Suite(.timeLimit(.minutes(1))) struct AddressBookPersistenceTests {
    typealias T = AddressBookTests

    /// A fresh directory under the system's temporary directory; `body` gets the path of `peers.json` in it.
    func inTemporaryDirectory(_ body: (String, String) throws -> Void) throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("obol-book-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try body(directory, directory + "/peers.json")
    }

    func write(_ text: String, to path: String) throws {
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
    }

    /// A JSON entry of the file.
    func record(_ endpoint: PeerEndpoint, source: String = "1.2", lastSeen: UInt64 = 1, lastSuccess: UInt64? = nil,
                failures: Int = 0, attempts: Int = 0) -> String {
        let success = lastSuccess.map { ", \"lastSuccess\": \($0)" } ?? ""
        return "{\"host\": \"\(endpoint.host)\", \"port\": \(endpoint.port), \"source\": \"\(source)\", "
            + "\"lastSeen\": \(lastSeen)\(success), \"attempts\": \(attempts), \"failures\": \(failures)}"
    }

    func file(new: [String] = [], tried: [String] = [], version: Int = 1) -> String {
        "{\"version\": \(version), \"new\": [\(new.joined(separator: ", "))], "
            + "\"tried\": [\(tried.joined(separator: ", "))]}"
    }

    @Test func aSavedBookLoadsAsItWas() throws {
        var book = AddressBook()
        let endpoints = T.spread(6) + [PeerEndpoint(host: "::1", port: 9_000), PeerEndpoint(host: "seed.example", port: 1)]
        book.add(endpoints, source: "1.2", now: 100)
        book.add([T.endpoint(99, 0)], source: "manual", now: 150)
        book.markGood(endpoints[0], now: 200)
        book.markAttempt(endpoints[1], now: 210)
        book.markFailed(endpoints[1], now: 211)
        book.markAttempt(endpoints[6], now: 220)
        try inTemporaryDirectory { directory, path in
            try book.save(to: path)
            let loaded = try AddressBook.load(from: path)
            #expect(loaded.entries == book.entries)
            #expect(loaded.newCount == book.newCount && loaded.triedCount == book.triedCount)
            #expect(loaded.creditedCount(of: "1.2") == book.creditedCount(of: "1.2"))
            #expect(loaded.creditedCount(of: "manual") == 1)
            #expect(loaded.groupCount(of: "10.0") == 1)
            // Saving again replaces the file and leaves no temporary file behind.
            try loaded.save(to: path)
            #expect(try FileManager.default.contentsOfDirectory(atPath: directory) == ["peers.json"])
            #expect(try AddressBook.load(from: path).entries == book.entries)
        }
    }

    @Test func theFileIsVersionedJSONWithBothTables() throws {
        var book = AddressBook()
        book.add([T.endpoint(10, 0)], source: "1.2", now: 5)
        book.markGood(T.endpoint(11, 0), now: 6)
        try inTemporaryDirectory { _, path in
            try book.save(to: path)
            let json = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path)))
                as? [String: Any])
            #expect(json["version"] as? Int == AddressBook.fileVersion)
            #expect((json["new"] as? [[String: Any]])?.first?["host"] as? String == "10.0.0.1")
            #expect((json["tried"] as? [[String: Any]])?.first?["lastSuccess"] as? Int == 6)
        }
    }

    @Test func aMissingFileGivesAnEmptyBook() throws {
        try inTemporaryDirectory { _, path in
            let book = try AddressBook.load(from: path, limits: .init(maxNew: 7))
            #expect(book.count == 0 && book.limits.maxNew == 7)
        }
    }

    @Test(arguments: ["", "not json", "{\"version\": 1, \"new\": [", "[1, 2]",
                      "{\"version\": 1, \"new\": [{\"host\": \"10.0.0.1\"}], \"tried\": []}",
                      "{\"version\": 1, \"new\": [], \"tried\": \"none\"}"])
    func aDamagedFileIsRefusedClearly(text: String) throws {
        try inTemporaryDirectory { _, path in
            try write(text, to: path)
            let error = #expect(throws: PeerFileError.self) { try AddressBook.load(from: path) }
            #expect(error?.code == .corrupt)
            #expect(error?.message.contains(path) == true)
            #expect(error?.message.contains("damaged") == true)
        }
    }

    @Test func anotherVersionIsRefusedAsSuch() throws {
        try inTemporaryDirectory { _, path in
            try write("{\"version\": 2, \"entries\": {}}", to: path)
            let error = #expect(throws: PeerFileError.self) { try AddressBook.load(from: path) }
            #expect(error?.code == .unsupportedVersion)
            #expect(error?.message.contains("version 2") == true)
        }
    }

    @Test func anOversizedFileIsRefusedUnread() throws {
        try inTemporaryDirectory { _, path in
            #expect(FileManager.default.createFile(atPath: path, contents: nil))
            let handle = try #require(FileHandle(forWritingAtPath: path))
            try handle.truncate(atOffset: UInt64(PeerFile.maxSize) + 1)  // sparse: no disk used
            try handle.close()
            let error = #expect(throws: PeerFileError.self) { try AddressBook.load(from: path) }
            #expect(error?.code == .tooLarge)
        }
    }

    @Test func savingIntoAMissingDirectoryFails() throws {
        try inTemporaryDirectory { directory, _ in
            let error = #expect(throws: PeerFileError.self) { try AddressBook().save(to: directory + "/none/peers.json") }
            #expect(error?.code == .io)
        }
    }

    @Test func loadingKeepsTheMostRecentSuccessesWithinTheTriedLimit() throws {
        let tried = T.spread(5).enumerated().map { record($1, lastSuccess: UInt64(10 + $0)) }
        try inTemporaryDirectory { _, path in
            try write(file(tried: tried), to: path)
            let book = try AddressBook.load(from: path, limits: .init(maxTried: 2))
            #expect(book.triedCount == 2 && book.newCount == 0)
            #expect(Set(book.entries.keys) == Set(T.spread(5)[3...]))
        }
    }

    @Test func loadingKeepsTheBestNewEntriesWithinTheNewLimit() throws {
        let endpoints = T.spread(5)
        let new = [record(endpoints[0], lastSeen: 50), record(endpoints[1], lastSeen: 90, failures: 2),
                   record(endpoints[2], lastSeen: 80), record(endpoints[3], lastSeen: 70),
                   record(endpoints[4], lastSeen: 99, failures: 1)]
        try inTemporaryDirectory { _, path in
            try write(file(new: new), to: path)
            let book = try AddressBook.load(from: path, limits: .init(maxNew: 3))
            #expect(Set(book.entries.keys) == [endpoints[2], endpoints[3], endpoints[0]])
        }
    }

    @Test func loadingHonoursTheGroupAndSourceCaps() throws {
        let sameGroup = (1...5).map { record(T.endpoint(10, 0, $0), source: "a", lastSeen: UInt64($0)) }
        let sameSource = T.spread(5, first: 20).map { record($0, source: "b") }
        // Entries that connected once are not on their source's credit.
        let vouched = T.spread(2, first: 30).map { record($0, source: "b", lastSuccess: 3) }
        try inTemporaryDirectory { _, path in
            try write(file(new: sameGroup + sameSource + vouched), to: path)
            let book = try AddressBook.load(from: path, limits: .init(maxPerSource: 3, maxPerGroup: 2))
            #expect(book.groupCount(of: "10.0") == 2)
            #expect(book.contains(T.endpoint(10, 0, 5)) && book.contains(T.endpoint(10, 0, 4)))  // the most recently seen
            #expect(book.creditedCount(of: "b") == 3)
            #expect(T.spread(2, first: 30).allSatisfy(book.contains))
            #expect(book.count == 2 + 3 + 2)  // "a"'s two (its group's cap), "b"'s three (its cap), the vouched two
        }
    }

    @Test func loadingDropsInvalidRepeatedAndFailedEntries() throws {
        let good = T.endpoint(10, 0)
        let new = [record(good, lastSeen: 5), record(good, lastSeen: 4),  // repeated, and in tried too
                   record(PeerEndpoint(host: "10.1.0.1", port: 0)),
                   record(PeerEndpoint(host: "", port: 9_333)),
                   record(PeerEndpoint(host: String(repeating: "h", count: 256), port: 9_333)),
                   record(T.endpoint(10, 2), source: ""),
                   record(T.endpoint(10, 3), failures: -1),
                   record(T.endpoint(10, 4), attempts: -1),
                   record(T.endpoint(10, 5), failures: AddressBook.failuresBeforeDrop),
                   record(T.endpoint(10, 6), lastSuccess: 2, failures: AddressBook.failuresBeforeDrop)]
        let tried = [record(T.endpoint(11, 0)),  // tried without a success
                     record(good, lastSuccess: 3)]  // tried is loaded first: this copy stays
        try inTemporaryDirectory { _, path in
            try write(file(new: new, tried: tried), to: path)
            let book = try AddressBook.load(from: path)
            #expect(Set(book.entries.keys) == [good, T.endpoint(10, 6)])
            #expect(book.entries[good]?.isTried == true && book.triedCount == 1 && book.newCount == 1)
        }
    }
}
