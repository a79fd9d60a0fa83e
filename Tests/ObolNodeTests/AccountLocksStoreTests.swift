import Foundation
import GRDB
import ObolCore
import ObolNode
import ObolStore
import ObolTestSupport
import Testing

/// Accounts keep their coinbase maturity locks in the store, and undo data
/// keeps the locks of the accounts it restores.
@Suite(.timeLimit(.minutes(1))) struct AccountLocksStoreTests {
    /// Six blocks with maturity 3: two miners take turns, and a transfer from
    /// the allocation in block 4 touches an account that then holds locks.
    static func chainWithLocks() throws -> ChainBuilder {
        var chain = ChainBuilder(coinbaseMaturity: 3)
        for height in 1...6 {
            if height == 4 { chain.addTransfer(to: testAddress(1), amount: 5_000) }
            try chain.mine(miner: testAddress(UInt8(1 + height % 2)))
        }
        return chain
    }

    static func entry(for block: Block) -> BlockIndexEntry {
        BlockIndexEntry(hash: block.hash, header: block.header, chainWork: UInt256(block.height + 1), status: .valid)
    }

    /// Writes genesis, then every block of `chain` in one commit.
    static func write(_ chain: ChainBuilder, to store: any ChainStore) throws {
        try store.initialize(genesis: chain.genesis, entry: entry(for: chain.genesis),
                             accounts: AccountState(genesis: chain.params).accounts)
        for block in chain.blocks.dropFirst() { try store.saveBlock(block, entry: entry(for: block)) }
        try store.commit(TipUpdate(disconnected: [], connected: Array(zip(chain.blocks.dropFirst(), chain.undos)),
                                   accounts: chain.state.accounts.mapValues { .some($0) }, tip: chain.tip.hash))
    }

    @Test(arguments: StoreKind.allCases)
    func accountsAndUndoKeepTheirLocksAcrossAReopen(kind: StoreKind) throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let chain = try Self.chainWithLocks()
        #expect(chain.state[testAddress(1)].locks.count >= 2)
        var store = try kind.make(in: directory)
        try Self.write(chain, to: store)
        if kind == .sqlite {
            try (store as? SQLiteChainStore)?.close()
            store = try SQLiteChainStore(path: directory.databasePath)
        }
        let loaded = try #require(try store.load())
        #expect(loaded.accounts == chain.state.accounts)
        for (block, undo) in zip(chain.blocks.dropFirst(), chain.undos) {
            #expect(try store.undo(block.hash) == undo, "undo of block \(block.height)")
        }
    }

    @Test func anAccountWhoseLocksMaturedIsStoredWithoutThem() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        var chain = try Self.chainWithLocks()
        let start = chain
        do {
            let store = try SQLiteChainStore(path: directory.databasePath)
            try Self.write(start, to: store)
            // Block 10 pays testAddress(1) again: its earlier locks have matured and go.
            try chain.mine(untilNextHeight: 10)
            try chain.mine(transfers: [], miner: testAddress(1))
            #expect(chain.state[testAddress(1)].locks == [MaturityLock(height: 10, amount: chain.params.reward(at: 10))])
            let joining = Array(zip(chain.blocks, [BlockUndo(previous: [:])] + chain.undos).dropFirst(start.blocks.count))
            for (block, _) in joining { try store.saveBlock(block, entry: Self.entry(for: block)) }
            try store.commit(TipUpdate(disconnected: [], connected: joining,
                                       accounts: chain.state.accounts.mapValues { .some($0) }, tip: chain.tip.hash))
            try store.close()
        }
        let loaded = try #require(try SQLiteChainStore(path: directory.databasePath).load())
        #expect(loaded.accounts == chain.state.accounts)
    }
}

/// A data directory written before coinbase maturity (store format 1) holds
/// undo data without locks: the store refuses it with a clear error.
@Suite(.timeLimit(.minutes(1))) struct StoreFormatTests {
    @Test func aFormatOneDataDirectoryIsRefusedWithAClearError() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        do {
            let store = try SQLiteChainStore(path: directory.databasePath)
            try StoreTestChain().initialize(store)
            try store.close()
        }
        // Back to format 1: the accounts table without locks, the v2 migration not applied.
        let queue = try DatabaseQueue(path: directory.databasePath)
        try queue.write { db in
            try db.execute(sql: "DELETE FROM grdb_migrations WHERE identifier = 'v2-account-maturity-locks'")
            try db.execute(sql: "ALTER TABLE accounts DROP COLUMN locks")
        }
        try queue.close()
        do {
            _ = try SQLiteChainStore(path: directory.databasePath)
            Issue.record("a format 1 store opened")
        } catch let error as StoreError {
            #expect(error.code == .unsupportedFormat)
            #expect(error.message.contains("store format 1"))
            #expect(error.message.contains("sync again"))
        }
    }

    @Test func damagedLocksAreReportedAsCorrupt() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        do {
            let store = try SQLiteChainStore(path: directory.databasePath)
            try StoreTestChain().initialize(store)
            try store.close()
        }
        let queue = try DatabaseQueue(path: directory.databasePath)
        try queue.write { db in try db.execute(sql: "UPDATE accounts SET locks = x'0100000007'") }
        try queue.close()
        expectStoreError([.corrupt]) { _ = try SQLiteChainStore(path: directory.databasePath).load() }
    }
}
