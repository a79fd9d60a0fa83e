import Foundation
import ObolCore
import ObolNode
import Synchronization
import Testing

/// The store's writer: order, reads through the queue, failure and
/// retry, backpressure, lifetime.
@Suite(.timeLimit(.minutes(1))) struct StoreWriterTests {
    let miner = testAddress(0xA1)
    let alice = testAddress(0x11)

    /// A store holding genesis, and a chain two blocks ahead of it.
    func setUp(_ store: ControlledStore) throws -> (start: StoreTestChain, chain: StoreTestChain) {
        let start = StoreTestChain()
        try start.initialize(store)
        var chain = start
        chain.extend(paying: [(alice, 5_000)], miner: miner)
        chain.extend(paying: [(alice, 1_000)], miner: miner)
        return (start, chain)
    }

    /// Saves of `chain`'s blocks after genesis, then the tip's move from `start`.
    /// A writer over a store whose tip writes fail, with a chain's writes
    /// (two blocks, then the tip move) queued.
    func failingWriter(retryInterval: Duration) throws
        -> (store: ControlledStore, writer: StoreWriter, chain: StoreTestChain, writes: [StoreWrite]) {
        let store = ControlledStore()
        let (start, chain) = try setUp(store)
        let writer = StoreWriter(store: store, retryInterval: retryInterval)
        store.failCommits.withLock { $0 = true }
        let writes = move(from: start, to: chain)
        writer.enqueue(contentsOf: writes)
        return (store, writer, chain, writes)
    }

    func move(from start: StoreTestChain, to chain: StoreTestChain) -> [StoreWrite] {
        chain.blocks.dropFirst().map { .block($0, StoreTestChain.entry(for: $0)) }
            + [.tip(StoreTestChain.update(from: start, to: chain, forkHeight: 0))]
    }

    @Test func writesReachTheStoreInQueueOrderOneBatchPerWakeUpAndDrainWaitsForThem() async throws {
        let store = ControlledStore()
        let (start, chain) = try setUp(store)
        let writer = StoreWriter(store: store)
        store.gate.close()
        let writes = move(from: start, to: chain)
        writer.enqueue(writes[0])
        #expect(await eventually { store.gate.arrivals == 1 })
        writer.enqueue(contentsOf: Array(writes.dropFirst()))
        Task {
            try await Task.sleep(for: .milliseconds(30))
            store.gate.open()
        }
        try await bounded { try await writer.drain() }
        // No polling: drain returned, so everything is there.
        let loaded = try #require(try store.load())
        #expect(loaded.tip == chain.tip.hash)
        #expect(loaded.accounts == chain.state.accounts)
        #expect(loaded.entries == chain.blocks.map { StoreTestChain.entry(for: $0) })
        #expect(store.applied == writes.map(ControlledStore.label))
        #expect(store.batches == [1, 2], "what queued behind the first batch goes as one batch")
        #expect(writer.backlog == 0)
        #expect(writer.failure == nil)
    }

    @Test func readsSeeQueuedWritesBeforeTheStoreHasThem() async throws {
        let store = ControlledStore()
        let (start, chain) = try setUp(store)
        let writer = StoreWriter(store: store)
        store.gate.close()
        let block = chain.blocks[1], undo = chain.undos[1]
        let onlyFirst = chain.truncated(to: 1)
        writer.enqueue(.block(block, StoreTestChain.entry(for: block)),
                       .tip(StoreTestChain.update(from: start, to: onlyFirst, forkHeight: 0)))
        #expect(await eventually { store.gate.arrivals == 1 })  // the batch is in flight
        #expect(try store.block(block.hash) == nil)
        #expect(try store.undo(block.hash) == nil)
        #expect(try writer.block(block.hash) == block)
        #expect(try writer.outline(block.hash) == BlockOutline(block))
        #expect(try writer.undo(block.hash) == undo)
        #expect(try writer.block(chain.genesis.hash) == chain.genesis, "what is not queued is read from the store")
        #expect(try writer.outline(chain.genesis.hash) == BlockOutline(chain.genesis))
        #expect(try writer.block(chain.tip.hash) == nil)
        #expect(try writer.outline(chain.tip.hash) == nil)
        #expect(writer.backlog == 2)

        store.gate.open()
        try await bounded { try await writer.drain() }
        #expect(try store.block(block.hash) == block)
        #expect(try store.undo(block.hash) == undo)
        #expect(try writer.block(block.hash) == block)
        #expect(try writer.undo(block.hash) == undo)
    }

    @Test func aFailingStoreKeepsEverythingQueuedAndDrainThrowsUntilItRecovers() async throws {
        // An automatic retry would come far too late: only drain hurries it.
        let (store, writer, chain, writes) = try failingWriter(retryInterval: .seconds(3600))
        for _ in 0..<2 {  // keeps failing, and keeps saying so
            let error = await #expect(throws: StoreError.self) { try await bounded { try await writer.drain() } }
            #expect(error?.code == .io)
        }
        #expect(writer.failure is StoreError)
        #expect(writer.backlog == writes.count, "nothing is dropped")
        #expect(try store.load()?.tip == chain.genesis.hash)
        #expect(try writer.undo(chain.tip.hash) == chain.undos[2], "the failed writes are still read through")

        store.failCommits.withLock { $0 = false }
        try await bounded { try await writer.drain() }
        let loaded = try #require(try store.load())
        #expect(loaded.tip == chain.tip.hash)
        #expect(loaded.accounts == chain.state.accounts)
        #expect(try store.undo(chain.tip.hash) == chain.undos[2])
        #expect(writer.failure == nil)
        #expect(writer.backlog == 0)
        #expect(store.applied.suffix(writes.count) == writes.map(ControlledStore.label)[...])
    }

    @Test func retriesOnItsOwnAfterAFailure() async throws {
        let (store, writer, chain, _) = try failingWriter(retryInterval: .milliseconds(20))
        #expect(await eventually { writer.failure != nil })
        #expect(await eventually { store.attempts >= 3 }, "tried again and again while failing")
        #expect(try store.load()?.tip == chain.genesis.hash)

        store.failCommits.withLock { $0 = false }
        #expect(await eventually { writer.backlog == 0 })
        #expect(try store.load()?.tip == chain.tip.hash)
        #expect(try store.load()?.accounts == chain.state.accounts)
        #expect(writer.failure == nil)
    }

    @Test func drainsWhileTheStoreFailsDoNotMultiplyTheRetries() async throws {
        let (store, writer, chain, _) = try failingWriter(retryInterval: .milliseconds(200))
        for _ in 0..<10 {
            await #expect(throws: StoreError.self) { try await writer.drain() }
        }
        let before = store.attempts
        let started = ContinuousClock.now
        try await Task.sleep(for: .seconds(1))
        // One retry loop: one attempt per 200 ms of however long the sleep
        // really took (a loaded machine wakes it late). Each drain starting a
        // loop of its own (the bug this guards against) gives ten times that.
        let intervals = (ContinuousClock.now - started) / .milliseconds(200)
        #expect(Double(store.attempts - before) <= 2 * intervals + 2)
        store.failCommits.withLock { $0 = false }
        try await writer.drain()
        #expect(try store.load()?.tip == chain.tip.hash)
    }

    @Test func waitForRoomWaitsWhileTheBacklogIsAboveTheLimit() async throws {
        let store = ControlledStore()
        let (_, chain) = try setUp(store)
        let writer = StoreWriter(store: store)
        store.gate.close()
        let fillers = (0..<5).map { _ in StoreWrite.status(.valid, [chain.genesis.hash]) }
        writer.enqueue(fillers[0])
        #expect(await eventually { store.gate.arrivals == 1 })
        writer.enqueue(contentsOf: Array(fillers.dropFirst()))
        try await bounded { try await writer.waitForRoom(limit: 5) }  // already within the limit: returns at once

        let returned = Mutex(false)
        Task {
            try await writer.waitForRoom(limit: 2)
            returned.withLock { $0 = true }
        }
        try await Task.sleep(for: .milliseconds(50))
        #expect(!returned.withLock { $0 }, "five writes are waiting, more than two")
        #expect(writer.backlog == 5)
        store.gate.open()
        #expect(await eventually { returned.withLock { $0 } })
        #expect(writer.backlog <= 2)
    }

    @Test func waitForRoomThrowsWhenTheStoreFails() async throws {
        let (store, writer, chain, writes) = try failingWriter(retryInterval: .milliseconds(20))
        let error = await #expect(throws: StoreError.self) {
            try await bounded { try await writer.waitForRoom(limit: 1) }
        }
        #expect(error?.code == .io)
        #expect(writer.backlog == writes.count)

        store.failCommits.withLock { $0 = false }
        try await bounded { try await writer.waitForRoom(limit: 0) }
        #expect(try store.load()?.tip == chain.tip.hash)
    }

    @Test func aPruneQueuedAfterABlockHidesItsBody() async throws {
        let store = ControlledStore()
        let (start, chain) = try setUp(store)
        let main = chain.truncated(to: 1)
        var fork = start
        let side = fork.extend(paying: [], miner: miner, tag: 1)
        let writer = StoreWriter(store: store)
        store.gate.close()
        writer.enqueue(.status(.valid, [chain.genesis.hash]))
        #expect(await eventually { store.gate.arrivals == 1 })
        writer.enqueue(.block(main.tip, StoreTestChain.entry(for: main.tip)),
                       .tip(StoreTestChain.update(from: start, to: main, forkHeight: 0)),
                       .block(side, StoreTestChain.entry(for: side)))
        #expect(try writer.block(side.hash) == side)
        writer.enqueue(.prune([side.hash]))
        #expect(try writer.block(side.hash) == nil, "the overlay drops the pruned body")
        #expect(try writer.block(main.tip.hash) == main.tip)
        #expect(try writer.undo(main.tip.hash) == main.undos[1])

        store.gate.open()
        try await bounded { try await writer.drain() }
        #expect(try store.block(side.hash) == nil)
        #expect(try writer.block(side.hash) == nil)
        #expect(try store.block(main.tip.hash) == main.tip)
        let entries = try #require(try store.load()).entries
        #expect(entries.first { $0.hash == side.hash }?.hasBody == false, "saved, then pruned, in that order")
    }

    @Test func aQueuedPruneHidesAStoredBodyAndALaterSaveShowsItAgain() async throws {
        let store = ControlledStore()
        let (start, chain) = try setUp(store)
        let block = chain.blocks[1], entry = StoreTestChain.entry(for: block)
        try StoreTestChain.move(store, from: start, to: chain.truncated(to: 1), forkHeight: 0)
        let writer = StoreWriter(store: store)
        store.gate.close()
        writer.enqueue(.status(.valid, [chain.genesis.hash]))
        #expect(await eventually { store.gate.arrivals == 1 })
        writer.enqueue(.prune([block.hash]))
        #expect(try store.block(block.hash) == block)
        #expect(try writer.block(block.hash) == nil, "the queued prune hides the stored body")
        #expect(try writer.undo(block.hash) == nil)
        writer.enqueue(.block(block, entry))
        #expect(try writer.block(block.hash) == block, "the body saved after the prune shows again")
        #expect(try writer.undo(block.hash) == nil, "saving a body does not bring back the pruned undo data")

        store.gate.open()
        try await bounded { try await writer.drain() }
        #expect(try store.block(block.hash) == block, "pruned, then saved again, in that order")
        #expect(try store.undo(block.hash) == nil)
    }

    @Test func aReleasedWriterWritesWhatWasQueuedThenLetsGoOfTheStore() async throws {
        let gate = Gate(), inner = MemoryChainStore()
        weak var held: ControlledStore?
        let chain: StoreTestChain
        do {
            let store = ControlledStore(inner: inner, gate: gate)
            held = store
            let (start, ahead) = try setUp(store)
            chain = ahead
            gate.close()
            let writer = StoreWriter(store: store)
            let writes = move(from: start, to: chain)
            writer.enqueue(writes[0])
            #expect(await eventually { gate.arrivals == 1 })
            writer.enqueue(contentsOf: Array(writes.dropFirst()))
        }  // the last references to the writer and the store go here
        gate.open()
        #expect(await eventually { (try? inner.load()?.tip) == chain.tip.hash }, "the queue is written")
        #expect(await eventually { held == nil }, "no write job is left holding it")
    }

    @Test(arguments: [true, false])
    func aReleasedWriterTriesAFailedBatchOnceMoreAtOnceThenLetsGo(storeRecovers: Bool) async throws {
        let gate = Gate(), inner = MemoryChainStore()
        weak var held: ControlledStore?
        let chain: StoreTestChain
        do {
            let store = ControlledStore(inner: inner, gate: gate)
            held = store
            let (start, ahead) = try setUp(store)
            chain = ahead
            store.failCommits.withLock { $0 = true }
            // Only the release can hurry the retry.
            let writer = StoreWriter(store: store, retryInterval: .seconds(3600))
            writer.enqueue(contentsOf: move(from: start, to: chain))
            #expect(await eventually { writer.failure != nil })
            #expect(gate.arrivals == 1)
            store.failCommits.withLock { $0 = !storeRecovers }
        }
        #expect(await eventually { held == nil }, "no retry is left holding the store")
        #expect(gate.arrivals == 2, "one more attempt, at once")
        #expect(try inner.load()?.tip == (storeRecovers ? chain.tip.hash : chain.genesis.hash))
    }
}

// MARK: - Helpers

/// Polls `condition` until it holds or `timeout` passes.
private func eventually(timeout: Duration = .seconds(10), _ condition: () throws -> Bool) async rethrows -> Bool {
    let deadline = ContinuousClock.now + timeout
    while ContinuousClock.now < deadline {
        if try condition() { return true }
        try? await Task.sleep(for: .milliseconds(2))
    }
    return try condition()
}

private struct TimedOut: Error {}

/// Runs `operation`, and throws `TimedOut` if it has not finished within
/// `timeout`: a lost wake-up fails the test instead of hanging the run.
private func bounded(_ timeout: Duration = .seconds(30), sourceLocation: SourceLocation = #_sourceLocation,
                     _ operation: @escaping @Sendable () async throws -> Void) async throws {
    let outcome = Mutex<Result<Void, any Error>?>(nil)
    Task {
        let result: Result<Void, any Error>
        do { try await operation(); result = .success(()) } catch { result = .failure(error) }
        outcome.withLock { $0 = result }
    }
    guard await eventually(timeout: timeout, { outcome.withLock { $0 != nil } }) else {
        Issue.record("still waiting after \(timeout)", sourceLocation: sourceLocation)
        throw TimedOut()
    }
    try outcome.withLock { $0! }.get()
}

/// Holds back the writer inside `ChainStore.write` while closed.
final class Gate: @unchecked Sendable {
    private let condition = NSCondition()
    private var isOpen = true, count = 0  // guarded by `condition`

    /// Calls of `pass` so far, waiting or through.
    var arrivals: Int { condition.withLock { count } }
    func close() { condition.withLock { isOpen = false } }
    func open() { condition.withLock { isOpen = true; condition.broadcast() } }

    func pass() {
        condition.withLock {
            count += 1
            while !isOpen { condition.wait() }
        }
    }
}

/// A `MemoryChainStore` whose batches can be held at a gate and whose tip
/// writes can be made to fail, recording what it applied.
final class ControlledStore: ChainStore {
    let inner: MemoryChainStore
    let gate: Gate
    let failCommits = Mutex(false)
    private let log = Mutex((applied: [String](), batches: [Int](), attempts: 0))

    init(inner: MemoryChainStore = MemoryChainStore(), gate: Gate = Gate()) {
        self.inner = inner
        self.gate = gate
    }

    /// Writes applied, in order (a batch that failed part way included).
    var applied: [String] { log.withLock { $0.applied } }
    /// Sizes of the batches that succeeded.
    var batches: [Int] { log.withLock { $0.batches } }
    var attempts: Int { log.withLock { $0.attempts } }

    static func label(_ write: StoreWrite) -> String {
        switch write {
        case let .block(_, entry): "block \(entry.hash)"
        case let .status(status, hashes): "status \(status) \(hashes)"
        case let .tip(update): "tip \(update.tip)"
        case let .prune(hashes): "prune \(hashes)"
        case let .header(entry): "header \(entry.hash)"
        case let .remove(hashes): "remove \(hashes)"
        }
    }

    func write(_ writes: [StoreWrite]) throws {
        gate.pass()
        log.withLock { $0.attempts += 1 }
        for write in writes {
            if case .tip = write, failCommits.withLock({ $0 }) { throw StoreError(.io, "disk unavailable") }
            try inner.apply(write)
            log.withLock { $0.applied.append(Self.label(write)) }
        }
        log.withLock { $0.batches.append(writes.count) }
    }

    func load() throws -> StoredChain? { try inner.load() }
    func initialize(genesis: Block, entry: BlockIndexEntry, accounts: [Address: Account]) throws {
        try inner.initialize(genesis: genesis, entry: entry, accounts: accounts)
    }
    func saveBlock(_ block: Block, entry: BlockIndexEntry) throws { try inner.saveBlock(block, entry: entry) }
    func setStatus(_ status: BlockStatus, for hashes: [Hash256]) throws { try inner.setStatus(status, for: hashes) }
    func commit(_ update: TipUpdate) throws { try inner.commit(update) }
    func block(_ hash: Hash256) throws -> Block? { try inner.block(hash) }
    func undo(_ hash: Hash256) throws -> BlockUndo? { try inner.undo(hash) }
    func pruneBodies(_ hashes: [Hash256]) throws { try inner.pruneBodies(hashes) }
    func saveHeader(_ entry: BlockIndexEntry) throws { try inner.saveHeader(entry) }
    func removeEntries(_ hashes: [Hash256]) throws { try inner.removeEntries(hashes) }
    func location(ofTransaction txid: Hash256) throws -> TransactionLocation? {
        try inner.location(ofTransaction: txid)
    }
    func transactions(involving address: Address, limit: Int) throws -> [TransactionLocation] {
        try inner.transactions(involving: address, limit: limit)
    }
}
