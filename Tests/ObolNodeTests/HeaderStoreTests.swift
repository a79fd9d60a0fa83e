import Foundation
import ObolCore
import ObolStore
import ObolTestSupport
import Testing

@testable import ObolNode

/// Header-only index entries in the stores, and a chain reopened over them.
@Suite(.timeLimit(.minutes(1)))
struct HeaderStoreTests {
    @Test(arguments: StoreKind.allCases)
    func headerOnlyEntriesAreStoredAndRemoved(kind: StoreKind) throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        var builder = ChainBuilder()
        try builder.mine(count: 2)
        let store = try kind.make(in: directory)
        let genesis = builder.genesis
        try store.initialize(genesis: genesis, entry: BlockIndexEntry(hash: genesis.hash, header: genesis.header,
                                                                    chainWork: builder.chainWork(at: 0), status: .valid),
                             accounts: [:])
        let headers = indexEntries(builder)
        try store.write(headers.map(StoreWrite.header))
        // Saving a header again never drops a body stored meanwhile.
        try store.saveBlock(builder.block(at: 1), entry: BlockIndexEntry(
            hash: headers[0].hash, header: headers[0].header, chainWork: headers[0].chainWork, status: .valid))
        try store.saveHeader(headers[0])
        let loaded = try #require(try store.load())
        #expect(loaded.entries.first { $0.hash == headers[1].hash } == headers[1])
        #expect(loaded.entries.first { $0.hash == headers[0].hash }?.hasBody == true)
        #expect(try store.block(headers[1].hash) == nil)
        try store.removeEntries([headers[1].hash])
        #expect(try store.load()?.entries.contains { $0.hash == headers[1].hash } == false)
    }

    @Test func aReopenedSQLiteStoreKeepsTheHeadersAndTheBodiesToFetch() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        var builder = ChainBuilder()
        try builder.mine(count: 5)
        do {
            let store = try SQLiteChainStore(path: directory.databasePath)
            let chain = try makeChain(builder, store: store)
            #expect(await chain.submit(builder.block(at: 1)) == .connected(height: 1, disconnected: 0))
            #expect(await chain.submitHeaders(builder.blocks[2...].map(\.header)).added == 4)
            try await chain.flush()
        }
        let reopened = try makeChain(builder, store: try SQLiteChainStore(path: directory.databasePath))
        #expect(await reopened.tip.hash == builder.block(at: 1).hash)
        #expect(await reopened.bestHeader.hash == builder.tip.hash)
        #expect(await reopened.entry(builder.tip.hash)?.status == .headerValid)
        #expect(await reopened.blocksToFetch(window: 2) == [builder.block(at: 2).hash, builder.block(at: 3).hash])
        _ = await reopened.submitAll(builder.blocks[2...])
        #expect(await reopened.tip.hash == builder.tip.hash)
    }
}
