import Foundation
import ObolCore
import ObolNode
import ObolStore
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// A writer process killed with SIGKILL in the middle of committing leaves a
/// store that reopens at its last committed tip with exactly that tip's state.
///
/// The test re-launches its own test binary with `OBOL_CRASH_WRITER` set and a
/// filter that runs only `crashWriterChildProcess`, which commits blocks with
/// known content in a loop until it is killed.
@Suite(.timeLimit(.minutes(1))) struct SQLiteStoreCrashTests {
    @Test(.enabled(if: CrashWriter.databasePath == nil && CrashWriter.canRelaunchTestBinary), .timeLimit(.minutes(1)))
    func killedWriterLeavesConsistentStore() async throws {
        // The rounds wait on a child process and poll its store: on a thread of their own, never on the test
        // pool's few threads, which other tests' timers and servers need.
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            Thread.detachNewThread {
                continuation.resume(with: Result { try killAndCheckRounds() })
            }
        }
    }

    private func killAndCheckRounds() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.databasePath
        do {
            let store = try SQLiteChainStore(path: path)
            let genesis = CrashWriter.block(height: 0, previous: .zero)
            try store.initialize(genesis: genesis, entry: CrashWriter.entry(for: genesis),
                                 accounts: CrashWriter.accounts(atHeight: 0))
            try store.close()
        }
        // Five kills, each after at least 30 more commits; the whole test
        // stops after 10 s whatever the machine's load (one round at least).
        let deadline = ContinuousClock.now + .seconds(10)
        var committed: UInt64 = 0
        for round in 0..<5 where round == 0 || ContinuousClock.now < deadline - .seconds(2) {
            let seen = try runAndKillWriter(path: path, log: directory.url.appendingPathComponent("child\(round).log"),
                                            atLeast: committed + 30, deadline: deadline)
            let height = try checkConsistent(path: path)
            #expect(height >= seen, "a commit the reader saw was lost")
            committed = height
        }
    }

    /// Launches the writer, waits until the store's tip reaches `target`,
    /// then kills it; returns the last tip height observed before the kill.
    private func runAndKillWriter(path: String, log: URL, atLeast target: UInt64,
                                  deadline: ContinuousClock.Instant) throws -> UInt64 {
        _ = FileManager.default.createFile(atPath: log.path, contents: nil)
        let output = try FileHandle(forWritingTo: log)
        defer { try? output.close() }
        let child = Process()
        child.executableURL = URL(fileURLWithPath: try Self.testBinary())
        child.arguments = ["--testing-library", "swift-testing", "--filter", "crashWriterChildProcess"]
        child.environment = ProcessInfo.processInfo.environment.merging([CrashWriter.environmentKey: path]) { $1 }
        child.standardOutput = output
        child.standardError = output
        try child.run()
        var killed = false
        defer {
            if !killed { kill(child.processIdentifier, SIGKILL) }
            child.waitUntilExit()
        }

        let reader = try SQLiteChainStore(path: path, exclusive: false)
        defer { try? reader.close() }
        var seen: UInt64 = 0
        while seen < target {
            guard child.isRunning, ContinuousClock.now < deadline else {
                let text = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
                Issue.record("the writer reached height \(seen), not \(target); its output:\n\(text.suffix(2_000))")
                return seen
            }
            Thread.sleep(forTimeInterval: 0.01)
            seen = try reader.transactions(involving: CrashWriter.miner, limit: 1).first?.height ?? 0
        }
        // Land anywhere inside the next commits.
        Thread.sleep(forTimeInterval: Double.random(in: 0...0.05))
        kill(child.processIdentifier, SIGKILL)
        killed = true
        child.waitUntilExit()
        #expect(child.terminationReason == .uncaughtSignal)
        return seen
    }

    /// Reopens the store and checks that everything matches its tip; returns the tip's height.
    private func checkConsistent(path: String) throws -> UInt64 {
        let store = try SQLiteChainStore(path: path)
        defer { try? store.close() }
        let chain = try #require(try store.load())
        let tip = try #require(chain.entries.first { $0.hash == chain.tip })
        let height = tip.height
        #expect(chain.entries.map(\.height).max() ?? 0 <= height + 1, "at most one saved but uncommitted block")
        #expect(chain.accounts == CrashWriter.accounts(atHeight: height))
        let block = try #require(try store.block(chain.tip))
        #expect(block.hash == chain.tip)
        #expect(try store.undo(chain.tip) != nil || height == 0)
        for (index, transaction) in block.transactions.enumerated() {
            #expect(try store.location(ofTransaction: transaction.id)
                == TransactionLocation(txid: transaction.id, blockHash: chain.tip, height: height, index: index))
        }
        #expect(try store.transactions(involving: CrashWriter.miner, limit: 1).first?.height == height)
        return height
    }

    private static func testBinary() throws -> String {
        if let path = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") { return path }
        return try #require(Bundle.main.executablePath ?? CommandLine.arguments.first)
    }

    /// The writer side: runs only in the child process.
    @Test(.enabled(if: CrashWriter.databasePath != nil))
    func crashWriterChildProcess() throws {
        let path = try #require(CrashWriter.databasePath)
        let store = try SQLiteChainStore(path: path)
        let chain = try #require(try store.load())
        var previous = chain.tip
        var height = try #require(chain.entries.first { $0.hash == chain.tip }).height
        // Bounded in case the parent dies without killing us.
        let deadline = ContinuousClock.now + .seconds(30)
        while ContinuousClock.now < deadline {
            height += 1
            let block = CrashWriter.block(height: height, previous: previous)
            try store.saveBlock(block, entry: CrashWriter.entry(for: block))
            try store.commit(CrashWriter.update(connecting: block))
            previous = block.hash
        }
    }
}

/// Deterministic blocks and states for the crash test: the state after
/// block `h` is a pure function of `h`, so a reader can check it exactly.
enum CrashWriter {
    static let environmentKey = "OBOL_CRASH_WRITER"
    static var databasePath: String? { ProcessInfo.processInfo.environment[environmentKey] }
    /// On Linux `swift test` runs the test product as a plain executable that
    /// takes `--testing-library swift-testing --filter`; on macOS it is a
    /// bundle loaded by xctest, which this test does not drive.
    static var canRelaunchTestBinary: Bool {
        #if os(Linux)
        true
        #else
        false
        #endif
    }

    static let transfersPerBlock = 10
    static let spenderKey = ChainParams.devnetAllocationKey
    static let spender = spenderKey.publicKey.address
    /// Paid by every coinbase: balance 1 + 2 + ... + h, nonce h.
    static let miner = testAddress(0xA0)
    /// Exists only at odd heights, with balance h.
    static let flicker = testAddress(0xB0)

    /// Receives transfer `j` of block `h`, and exists from then on.
    static func recipient(height: UInt64, transfer j: Int) -> Address {
        var bytes = [UInt8](repeating: 0xC0, count: Address.size)
        withUnsafeBytes(of: height.littleEndian) { for (i, b) in $0.enumerated() { bytes[1 + i] = b } }
        bytes[10] = UInt8(j)
        return Address(bytes: bytes)!
    }

    static func block(height: UInt64, previous: Hash256) -> Block {
        var transactions: [Transaction] = [.coinbase(Coinbase(networkID: 7, height: height, recipient: miner,
                                                              amount: height, data: Array("crash".utf8)))]
        if height > 0 {
            for j in 0..<transfersPerBlock {
                let nonce = (height - 1) * UInt64(transfersPerBlock) + UInt64(j)
                let to = recipient(height: height, transfer: j)
                transactions.append(.transfer(.signed(by: spenderKey, networkID: 7, to: to, amount: UInt64(j + 1),
                                                      fee: 0, nonce: nonce)))
            }
        }
        let header = BlockHeader(height: height, previousHash: previous,
                                 merkleRoot: MerkleTree.root(of: transactions.map(\.id)),
                                 timestamp: 1_700_000_000 + height, bits: ChainParams.test.initialBits)
        return Block(header: header, transactions: transactions)
    }

    static func entry(for block: Block) -> BlockIndexEntry {
        BlockIndexEntry(hash: block.hash, header: block.header, chainWork: UInt256(block.height + 1), status: .valid)
    }

    /// Only the accounts that block `h` changes, with their values after it.
    static func changes(atHeight h: UInt64) -> [Address: Account?] {
        var out: [Address: Account?] = [
            miner: Account(balance: h * (h + 1) / 2, nonce: h),
            flicker: h % 2 == 1 ? Account(balance: h, nonce: 0) : nil,
            spender: Account(balance: 1_000_000, nonce: h * UInt64(transfersPerBlock)),
        ]
        if h > 0 {
            for j in 0..<transfersPerBlock { out[recipient(height: h, transfer: j)] = Account(balance: UInt64(j + 1)) }
        }
        return out
    }

    static func accounts(atHeight h: UInt64) -> [Address: Account] {
        var out = [Address: Account]()
        for height in 0...h {
            for (address, account) in changes(atHeight: height) { out[address] = account }
        }
        return out
    }

    static func update(connecting block: Block) -> TipUpdate {
        let h = block.height
        // Every block sets the miner, the flicker and the spender; recipients are new.
        let before = changes(atHeight: h - 1)
        let changed = changes(atHeight: h)
        let undo = BlockUndo(previous: Dictionary(uniqueKeysWithValues: changed.keys.map { ($0, before[$0] ?? nil) }))
        return TipUpdate(disconnected: [], connected: [(block, undo)], accounts: changed, tip: block.hash)
    }
}
