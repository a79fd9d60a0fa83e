import Foundation
import ObolCore
import ObolNode
import Testing

/// Behaviour both stores share.
@Suite(.timeLimit(.minutes(1))) struct ChainStoreTests {
    let miner = testAddress(0xA1)
    let otherMiner = testAddress(0xB2)
    let alice = testAddress(0x11)
    let bob = testAddress(0x22)

    @Test(arguments: StoreKind.allCases)
    func emptyStoreLoadsNilThenInitializedStoreRoundTrips(kind: StoreKind) throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let store = try kind.make(in: directory)
        #expect(try store.load() == nil)

        let chain = StoreTestChain()
        try chain.initialize(store)
        let loaded = try #require(try store.load())
        #expect(loaded.tip == chain.genesis.hash)
        #expect(loaded.entries == [StoreTestChain.entry(for: chain.genesis)])
        #expect(loaded.accounts == chain.state.accounts)
        #expect(try store.block(chain.genesis.hash) == chain.genesis)
        let coinbase = chain.genesis.transactions[0].id
        #expect(try store.location(ofTransaction: coinbase)
            == TransactionLocation(txid: coinbase, blockHash: chain.genesis.hash, height: 0, index: 0))

        expectStoreError([.alreadyInitialized]) { try chain.initialize(store) }
    }

    @Test(arguments: StoreKind.allCases)
    func committedBlocksLoadWithUndoAndIndexes(kind: StoreKind) throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let store = try kind.make(in: directory)
        var chain = StoreTestChain()
        try chain.initialize(store)
        let start = chain
        chain.extend(paying: [(alice, 5_000)], miner: miner)
        chain.extend(paying: [(bob, 7_000), (alice, 1_000)], miner: miner)
        try StoreTestChain.move(store, from: start, to: chain, forkHeight: 0)

        let loaded = try #require(try store.load())
        #expect(loaded.tip == chain.tip.hash)
        #expect(loaded.entries == chain.blocks.map { StoreTestChain.entry(for: $0) })
        #expect(loaded.accounts == chain.state.accounts)
        for (block, undo) in zip(chain.blocks, chain.undos).dropFirst() {
            #expect(try store.block(block.hash) == block)
            #expect(try store.outline(block.hash) == BlockOutline(block))
            #expect(try store.undo(block.hash) == undo)
            for (index, transaction) in block.transactions.enumerated() {
                #expect(try store.location(ofTransaction: transaction.id)
                    == TransactionLocation(txid: transaction.id, blockHash: block.hash, height: block.height,
                                           index: index))
            }
        }
        let aliceHistory = try store.transactions(involving: alice, limit: 10)
        #expect(aliceHistory.map(\.height) == [2, 1])
        #expect(aliceHistory.map(\.index) == [2, 1])
        #expect(try store.transactions(involving: alice, limit: 0).isEmpty)
    }

    @Test(arguments: StoreKind.allCases)
    func reorgOfTwoBlocksForThreeMovesIndexesAndAccounts(kind: StoreKind) throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let store = try kind.make(in: directory)
        var old = StoreTestChain()
        try old.initialize(store)
        let genesisOnly = old
        old.extend(paying: [(alice, 1_000)], miner: miner)                        // 1
        old.extend(paying: [(bob, 2_000)], miner: miner)                          // 2: the fork point
        let shared = old.extend(paying: [(alice, 3_000)], miner: otherMiner, tag: 1) // 3
        let oldOnly = old.extend(paying: [(alice, 4_000), (bob, 4_000)], miner: otherMiner, tag: 1) // 4
        try StoreTestChain.move(store, from: genesisOnly, to: old, forkHeight: 0)

        var new = old.truncated(to: 2)
        // 3': the same transfer as in 3 (same sender, nonce, amount: same id) in another block.
        let new3 = new.extend(paying: [(alice, 3_000)], miner: miner, tag: 2)
        new.extend(paying: [(bob, 5_000)], miner: miner, tag: 2)                   // 4'
        let new5 = new.extend(paying: [(alice, 6_000)], miner: miner, tag: 2)      // 5'
        let update = StoreTestChain.update(from: old, to: new, forkHeight: 2)
        #expect(update.disconnected.count == 2)
        #expect(update.connected.count == 3)
        try StoreTestChain.move(store, from: old, to: new, forkHeight: 2)

        let loaded = try #require(try store.load())
        #expect(loaded.tip == new5.hash)
        #expect(loaded.accounts == new.state.accounts)
        #expect(loaded.accounts[otherMiner] == nil, "the old branch's miner no longer exists")
        // Side-branch blocks keep their entries and bodies.
        #expect(Set(loaded.entries.map(\.hash)) == Set((old.blocks + new.blocks).map(\.hash)))
        #expect(try store.block(oldOnly.hash) == oldOnly)

        // Only in the disconnected blocks: gone. Coinbases of the old branch too.
        for transaction in oldOnly.transactions {
            #expect(try store.location(ofTransaction: transaction.id) == nil)
        }
        #expect(try store.location(ofTransaction: shared.transactions[0].id) == nil)
        // In both branches: now in the new block.
        let sharedTransfer = shared.transactions[1].id
        #expect(new3.transactions[1].id == sharedTransfer)
        #expect(try store.location(ofTransaction: sharedTransfer)?.blockHash == new3.hash)
        for block in new.blocks.dropFirst(3) {
            for (index, transaction) in block.transactions.enumerated() {
                #expect(try store.location(ofTransaction: transaction.id)
                    == TransactionLocation(txid: transaction.id, blockHash: block.hash, height: block.height,
                                           index: index))
            }
        }

        // Alice was paid at heights 1, 3' and 5', newest first; the spender at every height.
        let aliceHistory = try store.transactions(involving: alice, limit: 10)
        #expect(aliceHistory.map(\.height) == [5, 3, 1])
        #expect(aliceHistory.map(\.blockHash) == [new5.hash, new3.hash, new.blocks[1].hash])
        #expect(aliceHistory.map(\.txid) == [new5.transactions[1].id, sharedTransfer, new.blocks[1].transactions[1].id])
        #expect(try store.transactions(involving: alice, limit: 2).map(\.height) == [5, 3])
        let spender = StoreTestChain.spender.publicKey.address
        #expect(try store.transactions(involving: spender, limit: 100).map(\.height) == [5, 4, 3, 2, 1, 0])
        #expect(try store.transactions(involving: otherMiner, limit: 10).isEmpty)
        #expect(try store.transactions(involving: miner, limit: 10).map(\.height) == [5, 4, 3, 2, 1])

        // And back again: the undo data of the new branch is there to do it.
        #expect(try store.undo(new5.hash) == new.undos[5])
        try store.commit(StoreTestChain.update(from: new, to: old, forkHeight: 2))
        #expect(try store.load()?.accounts == old.state.accounts)
        #expect(try store.location(ofTransaction: oldOnly.transactions[1].id)?.blockHash == oldOnly.hash)
        #expect(try store.transactions(involving: alice, limit: 10).map(\.height) == [4, 3, 1])
    }

    @Test(arguments: StoreKind.allCases)
    func pruningDropsBodiesAndUndoButKeepsEntries(kind: StoreKind) throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let store = try kind.make(in: directory)
        var main = StoreTestChain()
        try main.initialize(store)
        var side = main
        let sideBlock = side.extend(paying: [(bob, 9_000)], miner: otherMiner, tag: 9)
        try store.saveBlock(sideBlock, entry: StoreTestChain.entry(for: sideBlock))
        let start = main
        main.extend(paying: [(alice, 1_000)], miner: miner)
        try StoreTestChain.move(store, from: start, to: main, forkHeight: 0)

        try store.setStatus(.invalid, for: [sideBlock.hash])
        try store.pruneBodies([sideBlock.hash])
        #expect(try store.block(sideBlock.hash) == nil)
        #expect(try store.outline(sideBlock.hash) == nil)
        #expect(try store.undo(sideBlock.hash) == nil)
        let loaded = try #require(try store.load())
        let entry = try #require(loaded.entries.first { $0.hash == sideBlock.hash })
        #expect(entry == StoreTestChain.entry(for: sideBlock, status: .invalid).withoutBody)
        #expect(loaded.tip == main.tip.hash)
        #expect(try store.block(main.tip.hash) == main.tip)

        // A pruned block that joins the best chain again gets its body back.
        try store.setStatus(.valid, for: [sideBlock.hash])
        try store.commit(StoreTestChain.update(from: main, to: side, forkHeight: 0))
        #expect(try store.block(sideBlock.hash) == sideBlock)
        #expect(try store.load()?.entries.first { $0.hash == sideBlock.hash }?.hasBody == true)
    }

    @Test(arguments: StoreKind.allCases)
    func commitToUnknownBlockFailsAndChangesNothing(kind: StoreKind) throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let store = try kind.make(in: directory)
        var chain = StoreTestChain()
        try chain.initialize(store)
        let start = chain
        chain.extend(paying: [(alice, 1_000)], miner: miner)
        // The block was never saved.
        expectStoreError([.missingBlock]) {
            try store.commit(StoreTestChain.update(from: start, to: chain, forkHeight: 0))
        }
        let loaded = try #require(try store.load())
        #expect(loaded.tip == start.tip.hash)
        #expect(loaded.accounts == start.state.accounts)
        #expect(try store.location(ofTransaction: chain.tip.transactions[1].id) == nil)
        #expect(try store.undo(chain.tip.hash) == nil)
    }
}

extension BlockIndexEntry {
    var withoutBody: BlockIndexEntry {
        var copy = self
        copy.hasBody = false
        return copy
    }
}
