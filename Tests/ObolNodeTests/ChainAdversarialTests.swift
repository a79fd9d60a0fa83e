import ObolCore
import ObolTestSupport
import Synchronization
import Testing

@testable import ObolNode

/// A store whose tip writes can be made to fail.
final class FlakyStore: ChainStore {
    let inner = MemoryChainStore()
    let failCommits = Mutex(false)

    func load() throws -> StoredChain? { try inner.load() }
    func initialize(genesis: Block, entry: BlockIndexEntry, accounts: [Address: Account]) throws {
        try inner.initialize(genesis: genesis, entry: entry, accounts: accounts)
    }
    func saveBlock(_ block: Block, entry: BlockIndexEntry) throws { try inner.saveBlock(block, entry: entry) }
    func setStatus(_ status: BlockStatus, for hashes: [Hash256]) throws { try inner.setStatus(status, for: hashes) }
    func commit(_ update: TipUpdate) throws {
        if failCommits.withLock({ $0 }) { throw StoreError(.io, "disk unavailable") }
        try inner.commit(update)
    }
    func block(_ hash: Hash256) throws -> Block? { try inner.block(hash) }
    func undo(_ hash: Hash256) throws -> BlockUndo? { try inner.undo(hash) }
    func pruneBodies(_ hashes: [Hash256]) throws { try inner.pruneBodies(hashes) }
    func saveHeader(_ entry: BlockIndexEntry) throws { try inner.saveHeader(entry) }
    func removeEntries(_ hashes: [Hash256]) throws { try inner.removeEntries(hashes) }
    func location(ofTransaction txid: Hash256) throws -> TransactionLocation? { try inner.location(ofTransaction: txid) }
    func transactions(involving address: Address, limit: Int) throws -> [TransactionLocation] {
        try inner.transactions(involving: address, limit: limit)
    }
}

/// What a hostile or unlucky sender of blocks can and cannot do to the chain.
@Suite(.timeLimit(.minutes(1))) struct ChainAdversarialTests {
    let bob = PrivateKey.generate().publicKey.address

    @Test func aTamperedCopyDoesNotPoisonTheGenuineBlock() async throws {
        var builder = ChainBuilder()
        builder.addTransfer(to: bob, amount: ChainParams.coin)
        let genuine = builder.makeBlock()
        // Same header, so the same hash; the Merkle root commits to the signature.
        var tampered = genuine
        let original = try #require(genuine.transactions[1].transfer)
        tampered.transactions[1] = .transfer(original.withSignature(Signature(bytes: [UInt8](repeating: 7, count: 64))!))
        #expect(tampered.hash == genuine.hash)

        let chain = try makeChain(builder)
        #expect(await chain.submit(tampered) == .invalid(.rule(.merkleRootMismatch)))
        var empty = genuine
        empty.transactions = []
        #expect(await chain.submit(empty) == .invalid(.rule(.firstTransactionNotCoinbase)))
        #expect(await chain.submit(genuine) == .connected(height: 1, disconnected: 0))
    }

    @Test func aBlockWhoseRootCommitsToABadSignatureIsInvalidForGood() async throws {
        let builder = ChainBuilder()
        let transfer = builder.transfer(to: bob, amount: ChainParams.coin)
        let forged = transfer.withSignature(Signature(bytes: [UInt8](repeating: 7, count: 64))!)
        // Mined with the forged signature under its Merkle root: no copy of it can be valid.
        let block = builder.assemble([.coinbase(builder.coinbase(fees: forged.fee)), .transfer(forged)])
        let chain = try makeChain(builder)
        #expect(await chain.submitHeaders([block.header]).accepted == 1)
        #expect(await chain.blocksToFetch(window: 10) == [block.hash])
        #expect(await chain.submit(block) == .invalid(.rule(.invalidSignature(forged.id))))
        #expect(await chain.entry(block.hash)?.status == .invalid)
        #expect(await chain.blocksToFetch(window: 10).isEmpty, "not fetched again")
        #expect(await chain.submit(block) == .invalid(.knownInvalid))
    }

    @Test func refusesOrphansThatClaimAnEasierTargetThanTheNetworkAllows() async throws {
        let builder = ChainBuilder(params: .devnet)
        let header = BlockHeader(height: 9, previousHash: Hash256(hex: String(repeating: "ab", count: 32))!,
                                 merkleRoot: .zero, timestamp: 1, bits: CompactTarget(bits: 0x2100_ffff))
        let coinbase = Transaction.coinbase(builder.coinbase(height: 9))
        var block = Block(header: header, transactions: [coinbase])
        block.header.merkleRoot = block.computedMerkleRoot
        block = ChainBuilder.remine(block, recomputeMerkleRoot: false)
        let chain = try makeChain(builder)
        #expect(await chain.submit(block) == .invalid(.rule(.proofOfWorkTooWeak)))
        #expect(await chain.orphanCount == 0)
    }

    @Test func reorganizesOntoAPrunedBranchOnceItsBodyReturns() async throws {
        var main = ChainBuilder()
        try main.mine(count: 1)
        var side = main.forked(at: 1, coinbaseData: [6])
        try main.mine(count: 4)  // height 5
        try side.mine(count: 6)  // height 7
        let chain = try makeChain(main, options: ChainOptions(pruneDepth: 2))
        _ = await chain.submitAll(main.blocks[1...2])
        #expect(await chain.submit(side.block(at: 2)) == .sideBranch(height: 2))
        _ = await chain.submitAll(main.blocks.dropFirst(3))
        #expect(await chain.entry(side.block(at: 2).hash)?.hasBody == false)

        // The rest of the heavier branch cannot connect without the pruned body...
        _ = await chain.submitAll(side.blocks.dropFirst(3))
        #expect(await chain.tip.hash == main.tip.hash)
        // ...until the body is sent again.
        #expect(await chain.submit(side.block(at: 2)) == .connected(height: 2, disconnected: 4))
        #expect(await chain.tip.hash == side.tip.hash)
    }

    @Test func aFailedWriteIsRetriedAndTheStoreEndsConsistent() async throws {
        var main = ChainBuilder()
        try main.mine(count: 1)
        var fork = main
        fork.coinbaseData = [5]
        main.addTransfer(to: bob, amount: 7 * ChainParams.coin)
        try main.mine()
        try fork.mine(count: 2)
        let store = FlakyStore()
        let chain = try makeChain(main, store: store, options: ChainOptions(commitBatch: 1))
        _ = await chain.submit(main.block(at: 1))
        try await chain.flush()
        store.failCommits.withLock { $0 = true }
        _ = await chain.submit(main.block(at: 2))  // pays bob, but cannot be written yet
        #expect(await chain.tip.height == 2)
        #expect(try store.load()?.tip == main.block(at: 1).hash)
        await #expect(throws: StoreError.self) { try await chain.flush() }
        store.failCommits.withLock { $0 = false }
        try await chain.flush()
        #expect(try store.load()?.tip == main.tip.hash)
        #expect(try store.load()?.accounts[bob] == Account(balance: 7 * ChainParams.coin, nonce: 0))
        // A heavier fork then disconnects it, in the store as in memory.
        _ = await chain.submitAll(fork.blocks.dropFirst(2))
        #expect(await chain.tip.hash == fork.tip.hash)
        try await chain.flush()
        let stored = try #require(try store.load())
        #expect(stored.tip == fork.tip.hash)
        #expect(stored.accounts[bob] == nil, "the disconnected payment is gone from the store too")
        #expect(await chain.account(bob) == Account())
    }

    @Test func aStoreThatKeepsFailingStopsTheChainGrowingAndLosesNothing() async throws {
        var builder = ChainBuilder()
        try builder.mine(count: 8)
        let store = FlakyStore()
        let chain = try makeChain(builder, store: store, options: ChainOptions(commitBatch: 1, writeBacklog: 3))
        store.failCommits.withLock { $0 = true }
        var results = [SubmitResult]()
        for block in builder.blocks.dropFirst() { results.append(await chain.submit(block)) }
        // Each block queues a body and a tip move; once more than 3 wait, submit
        // waits for the store, and refuses the block when the store fails again.
        let refused = results.firstIndex { if case .invalid(.storage) = $0 { true } else { false } }
        let first = try #require(refused, "a failing store must stop the chain at some point: \(results)")
        #expect(first >= 1)
        #expect(results[..<first].allSatisfy { if case .connected = $0 { true } else { false } })
        let tip = await chain.tip.height
        #expect(tip == UInt64(first))
        // The store recovers: everything connected is written, and the refused blocks connect when sent again.
        store.failCommits.withLock { $0 = false }
        try await chain.flush()
        #expect(try store.load()?.tip == builder.block(at: tip).hash)
        _ = await chain.submitAll(builder.blocks.dropFirst(first + 1))
        try await chain.flush()
        #expect(try store.load()?.tip == builder.tip.hash)
    }
}
