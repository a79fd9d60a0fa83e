import Foundation
import GRDB
import ObolCore
import ObolStore
import ObolTestSupport
import Testing

@testable import ObolNode

/// `StoreVerifier` (`obol verify`): a store written by the chain passes, and a
/// store edited by hand fails with the edited table named.
@Suite(.timeLimit(.minutes(1))) struct StoreVerifierTests {
    let bob = PrivateKey.generate().publicKey.address
    let carol = PrivateKey.generate().publicKey.address
    static let now: UInt64 = 2_000_000_000

    /// A best chain of 6 blocks with transfers, reached through two reorgs
    /// (main 1–3, then a fork at 2 with two blocks, then main 4–6), written by
    /// a `ChainActor` into a SQLite store in a new directory.
    func makeStore(options: ChainOptions = .init(), flush: Bool = true) async throws -> (URL, ChainBuilder) {
        var main = ChainBuilder()
        main.addTransfer(to: bob, amount: 9 * ChainParams.coin)
        try main.mine(count: 3)
        var fork = main.forked(at: 2, coinbaseData: [9])
        try fork.mine(count: 2)
        main.addTransfer(to: carol, amount: 2 * ChainParams.coin)
        try main.mine(count: 3)
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("obol-verify-\(UUID().uuidString)")
        let store = try SQLiteChainStore(dataDirectory: directory)
        let chain = try makeChain(main, store: store, options: options)
        _ = await chain.submitAll(main.blocks[1...3])
        _ = await chain.submitAll(fork.blocks[3...4])
        #expect(await chain.tip.hash == fork.tip.hash, "the fork took over")
        _ = await chain.submitAll(main.blocks[4...6])
        #expect(await chain.tip.hash == main.tip.hash, "the main chain took over again")
        if flush { try await chain.flush() } else { try await chain.drainWriter() }
        try store.close()
        return (directory, main)
    }

    func verify(_ directory: URL, params: ChainParams = .test) throws -> StoreVerification {
        try StoreVerifier(dataDirectory: directory, params: params).verify(now: Self.now)
    }

    func edit(_ directory: URL, _ sql: String, _ arguments: StatementArguments = []) throws {
        let queue = try DatabaseQueue(path: directory.appendingPathComponent(SQLiteChainStore.fileName).path)
        try queue.write { db in try db.execute(sql: sql, arguments: arguments) }
        try queue.close()
    }

    @Test func storeWrittenThroughReorgsVerifiesCleanAndIsLeftUntouched() async throws {
        let (directory, main) = try await makeStore()
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent(SQLiteChainStore.fileName)
        let before = try Data(contentsOf: file)
        var progress: [VerificationProgress] = []

        let result = try StoreVerifier(dataDirectory: directory, params: .test).verify(now: Self.now) { progress.append($0) }

        #expect(result.disagreements == [])
        #expect(result.isClean)
        #expect(result.tip == main.tip.hash)
        #expect(result.height == 6)
        #expect(result.blocksReplayed == 6)
        #expect(result.sideEntriesChecked == 2, "the fork's two blocks")
        #expect(result.blocksBeyondTip == 0)
        #expect(progress.last.map { ($0.replayed, $0.total) } ?? (0, 0) == (6, 6))
        #expect(try Data(contentsOf: file) == before, "verify never writes")
    }

    @Test func accountEditedByHandIsNamed() async throws {
        let (directory, main) = try await makeStore()
        defer { try? FileManager.default.removeItem(at: directory) }
        let balance = main.state[bob].balance
        try edit(directory, "UPDATE accounts SET balance = ? WHERE address = ?",
                 [Int64(balance + 200), Data(bob.bytes)])

        let result = try verify(directory)

        #expect(result.disagreements.map(\.description) == ["accounts: \(bob) balance \(balance + 200) stored, \(balance) replayed"])
    }

    @Test(arguments: [
        ("txindex", "UPDATE txindex SET height = height + 1 WHERE height = 2"),
        ("address_tx", "DELETE FROM address_tx WHERE height = 1"),
        ("blocks", "UPDATE blocks SET work = zeroblob(32) WHERE height = 2"),
        ("blocks", "UPDATE blocks SET height = 7 WHERE height = 5"),
        ("undo", "DELETE FROM undo WHERE hash IN (SELECT hash FROM blocks WHERE height = 6)"),
        ("bodies", "DELETE FROM bodies WHERE hash IN (SELECT hash FROM blocks WHERE height = 1)"),
        ("accounts", "DELETE FROM accounts WHERE balance = 200000000"),
    ])
    func editedIndexRowIsNamed(table: String, sql: String) async throws {
        let (directory, _) = try await makeStore()
        defer { try? FileManager.default.removeItem(at: directory) }
        try edit(directory, sql)

        let result = try verify(directory)

        #expect(!result.isClean)
        #expect(result.tables.first == table, "\(result.disagreements)")
    }

    @Test func tipMovedBackByHandIsNamed() async throws {
        let (directory, main) = try await makeStore()
        defer { try? FileManager.default.removeItem(at: directory) }
        let parent = main.block(at: 5).hash
        try edit(directory, "UPDATE meta SET value = ? WHERE key = 'tip'", [Data(parent.bytes)])

        let result = try verify(directory)

        #expect(result.tables.first == "meta")
        #expect(result.disagreements.first?.description == "meta: tip \(parent) at height 5 stored, but the indexes "
                + "and accounts describe the chain up to \(main.tip.hash) at height 6")
        #expect(result.tables.contains("accounts"), "the last coinbase is in the stored accounts")
        #expect(result.tables.contains("txindex"))
    }

    /// A block that breaks a consensus rule (its coinbase pays one unit too
    /// many), written into the store by hand as the new tip with its row and
    /// body: only replaying the rules finds it.
    @Test func storedTipBreakingAConsensusRuleIsNamed() async throws {
        let (directory, main) = try await makeStore()
        defer { try? FileManager.default.removeItem(at: directory) }
        let honest = main.coinbase()
        let overpaying = Coinbase(networkID: honest.networkID, height: honest.height, recipient: honest.recipient,
                                  amount: honest.amount + 1, data: honest.data)
        let block = main.assemble([.coinbase(overpaying)])
        let work = main.chainWork + ChainBuilder.work(of: block.header)
        try edit(directory, "INSERT INTO blocks (hash, height, prev, header, work, status, has_body) VALUES (?, 7, ?, ?, ?, 1, 1)",
                 [Data(block.hash.bytes), Data(main.tip.hash.bytes), Data(block.header.encoded), Data(work.littleEndianBytes)])
        try edit(directory, "INSERT INTO bodies (hash, data) VALUES (?, ?)", [Data(block.hash.bytes), Data(block.encoded)])
        try edit(directory, "UPDATE meta SET value = ? WHERE key = 'tip'", [Data(block.hash.bytes)])

        let result = try verify(directory)

        let expected = ValidationError.coinbaseAmountMismatch(expected: honest.amount, actual: overpaying.amount)
        #expect(result.disagreements.first?.description
                == "blocks: best-chain block \(block.hash) at height 7 breaks a consensus rule: \(expected)")
        #expect(result.blocksReplayed == 6)
    }

    @Test func tipWithoutARowIsNamed() async throws {
        let (directory, _) = try await makeStore()
        defer { try? FileManager.default.removeItem(at: directory) }
        let unknown = Hash256(bytes: [UInt8](repeating: 7, count: 32))!
        try edit(directory, "UPDATE meta SET value = ? WHERE key = 'tip'", [Data(unknown.bytes)])

        let result = try verify(directory)

        #expect(result.disagreements.first?.description == "meta: tip \(unknown) has no row in blocks")
    }

    /// What a crash between writing the bodies and writing the tip move leaves.
    @Test func blocksStoredBeyondTheTipAreNotADisagreement() async throws {
        let (directory, _) = try await makeStore(options: ChainOptions(commitBatch: 1_000, commitDelay: .seconds(3_600)),
                                                 flush: false)
        defer { try? FileManager.default.removeItem(at: directory) }

        let result = try verify(directory)

        #expect(result.disagreements == [])
        #expect(result.blocksBeyondTip > 0)
        #expect(result.height < 6)
    }

    @Test func refusesADirectoryWithoutAStore() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("obol-verify-none-\(UUID().uuidString)")
        let error = try #require(throws: StoreError.self) { try verify(directory) }
        #expect(error.code == .notInitialized)
        #expect(!FileManager.default.fileExists(atPath: directory.path), "nothing was created")
    }

    @Test func refusesAnotherNetworksChain() async throws {
        let (directory, _) = try await makeStore()
        defer { try? FileManager.default.removeItem(at: directory) }
        let error = try #require(throws: StoreError.self) { try verify(directory, params: .devnet) }
        #expect(error.message.contains("another network's chain"))
    }
}
