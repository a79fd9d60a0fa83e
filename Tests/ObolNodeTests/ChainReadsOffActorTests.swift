import Dispatch
import ObolCore
import ObolTestSupport
import Synchronization
import Testing

@testable import ObolNode

/// A `MemoryChainStore` whose undo reads can be held until `release()`.
final class HeldUndoStore: ChainStore {
    let inner = MemoryChainStore()
    let hold = Mutex(false)
    let entered: AsyncStream<Void>
    private let enteredContinuation: AsyncStream<Void>.Continuation
    private let gate = DispatchSemaphore(value: 0)

    init() { (entered, enteredContinuation) = AsyncStream.makeStream() }

    func release() { gate.signal() }

    func undo(_ hash: Hash256) throws -> BlockUndo? {
        if hold.withLock({ $0 }) {
            enteredContinuation.yield()
            gate.wait()
        }
        return try inner.undo(hash)
    }

    func load() throws -> StoredChain? { try inner.load() }
    func initialize(genesis: Block, entry: BlockIndexEntry, accounts: [Address: Account]) throws {
        try inner.initialize(genesis: genesis, entry: entry, accounts: accounts)
    }
    func saveBlock(_ block: Block, entry: BlockIndexEntry) throws { try inner.saveBlock(block, entry: entry) }
    func setStatus(_ status: BlockStatus, for hashes: [Hash256]) throws { try inner.setStatus(status, for: hashes) }
    func commit(_ update: TipUpdate) throws { try inner.commit(update) }
    func block(_ hash: Hash256) throws -> Block? { try inner.block(hash) }
    func pruneBodies(_ hashes: [Hash256]) throws { try inner.pruneBodies(hashes) }
    func saveHeader(_ entry: BlockIndexEntry) throws { try inner.saveHeader(entry) }
    func removeEntries(_ hashes: [Hash256]) throws { try inner.removeEntries(hashes) }
    func location(ofTransaction txid: Hash256) throws -> TransactionLocation? { try inner.location(ofTransaction: txid) }
    func transactions(involving address: Address, limit: Int) throws -> [TransactionLocation] {
        try inner.transactions(involving: address, limit: limit)
    }
}

/// Disk reads leave the actor: a reorganization reads what it needs before
/// it changes anything, and the chain answers meanwhile.
@Suite(.timeLimit(.minutes(1)))
struct ChainReadsOffActorTests {
    @Test func theChainAnswersWhileAReorganizationReadsUndoData() async throws {
        var main = ChainBuilder()
        try main.mine(count: 2)
        var side = main.forked(at: 0, coinbaseData: [3])
        try side.mine(count: 3)
        let store = HeldUndoStore()
        let chain = try makeChain(main, store: store)
        _ = await chain.submitAll(main.blocks.dropFirst())
        try await chain.flush()  // the undo data is on disk now, not in the writer's queue
        _ = await chain.submitAll(side.blocks[1...2])
        store.hold.withLock { $0 = true }

        let sideTip = side.tip
        async let moved = chain.submit(sideTip)
        for await _ in store.entered { break }  // the reorg is reading undo data
        // The actor is free, and nothing changed before the read finished.
        #expect(await chain.tip.hash == main.tip.hash)
        #expect(await chain.block(main.tip.hash) == main.tip)
        store.hold.withLock { $0 = false }
        store.release()
        #expect(await moved == .connected(height: 3, disconnected: 2))
        #expect(await chain.tip.hash == side.tip.hash)
    }
}
