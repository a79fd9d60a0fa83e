import Foundation
import ObolCore
import ObolNode
import ObolStore
import Testing

/// What only the on-disk store does: survive a reopen, reject damaged files.
@Suite(.timeLimit(.minutes(1))) struct SQLiteChainStoreTests {
    @Test(arguments: [SQLiteChainStore.Durability.processCrash, .powerLoss])
    func reopenedStoreHasTheSameChain(durability: SQLiteChainStore.Durability) throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        var chain = StoreTestChain()
        var side = chain
        let sideBlock = side.extend(paying: [(testAddress(3), 3_000)], miner: testAddress(4), tag: 7)
        do {
            let store = try SQLiteChainStore(path: directory.databasePath, durability: durability)
            try chain.initialize(store)
            let start = chain
            chain.extend(paying: [(testAddress(1), 1_000)], miner: testAddress(9))
            chain.extend(paying: [(testAddress(2), 2_000), (testAddress(1), 500)], miner: testAddress(9))
            try StoreTestChain.move(store, from: start, to: chain, forkHeight: 0)
            try store.saveBlock(sideBlock, entry: StoreTestChain.entry(for: sideBlock))
            try store.close()
        }
        let reopened = try SQLiteChainStore(dataDirectory: directory.url, durability: durability)
        let loaded = try #require(try reopened.load())
        #expect(loaded.tip == chain.tip.hash)
        #expect(loaded.entries.sorted { $0.hash < $1.hash }
            == (chain.blocks + [sideBlock]).map { StoreTestChain.entry(for: $0) }.sorted { $0.hash < $1.hash })
        #expect(loaded.entries.map(\.height) == loaded.entries.map(\.height).sorted(), "parents come first")
        #expect(loaded.accounts == chain.state.accounts)
        #expect(try reopened.block(chain.tip.hash) == chain.tip)
        #expect(try reopened.block(sideBlock.hash) == sideBlock)
        #expect(try reopened.undo(chain.tip.hash) == chain.undos[2])
        #expect(try reopened.transactions(involving: testAddress(1), limit: 5).map(\.height) == [2, 1])
    }

    @Test func createsMissingDirectories() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let nested = directory.url.appendingPathComponent("a/b/c")
        let store = try SQLiteChainStore(dataDirectory: nested)
        #expect(try store.load() == nil)
        #expect(FileManager.default.fileExists(atPath: nested.appendingPathComponent("chain.sqlite").path))
    }

    @Test func fileThatIsNotADatabaseGivesStoreError() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let garbage = (0..<8192).map { UInt8(truncatingIfNeeded: $0 &* 131 &+ 7) }
        try Data(garbage).write(to: URL(fileURLWithPath: directory.databasePath))
        expectStoreError([.notADatabase]) { _ = try SQLiteChainStore(path: directory.databasePath) }
    }

    @Test func damagedDatabaseGivesStoreError() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        var chain = StoreTestChain()
        do {
            let store = try SQLiteChainStore(path: directory.databasePath)
            try chain.initialize(store)
            let start = chain
            for i in 0..<20 { chain.extend(paying: [(testAddress(UInt8(i)), 1_000)], miner: testAddress(0xEE)) }
            try StoreTestChain.move(store, from: start, to: chain, forkHeight: 0)
            try store.close()  // checkpoints the WAL into the main file
        }
        // Keep the file header and schema page; scribble over every other page.
        let url = URL(fileURLWithPath: directory.databasePath)
        var bytes = [UInt8](try Data(contentsOf: url))
        #expect(bytes.count > 4 * 4096)
        for i in 4096..<bytes.count { bytes[i] = UInt8(truncatingIfNeeded: i &* 37) }
        try Data(bytes).write(to: url)
        expectStoreError([.corrupt, .notADatabase]) {
            let store = try SQLiteChainStore(path: directory.databasePath)
            _ = try store.load()
            _ = try store.block(chain.tip.hash)
        }
    }
}
