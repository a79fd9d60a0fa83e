import Foundation
import ObolCore
import ObolNode
import ObolStore
import Testing

/// A best chain of valid-looking blocks for store tests: real transfers
/// signed by the devnet allocation key and applied with `AccountState`, so
/// undo data and accounts are what the chain would compute. No proof of work.
struct StoreTestChain {
    static let params = ChainParams.test
    static let spender = ChainParams.devnetAllocationKey

    /// Genesis first.
    private(set) var blocks: [Block]
    /// `undos[i]` undoes `blocks[i]` (empty for genesis).
    private(set) var undos: [BlockUndo]
    private(set) var state: AccountState

    init() {
        let genesis = Self.params.genesisBlock
        blocks = [genesis]
        undos = [BlockUndo(previous: [:])]
        state = AccountState(genesis: Self.params)
    }

    var genesis: Block { blocks[0] }
    var tip: Block { blocks[blocks.count - 1] }
    var height: Int { blocks.count - 1 }

    static func entry(for block: Block, status: BlockStatus = .valid) -> BlockIndexEntry {
        BlockIndexEntry(hash: block.hash, header: block.header, chainWork: UInt256(block.height + 1), status: status)
    }

    /// Adds a block paying each `(address, amount)` from the spender, mined
    /// by `miner`; `tag` makes blocks at the same height on two branches differ.
    @discardableResult
    mutating func extend(paying payments: [(Address, UInt64)], miner: Address, tag: UInt8 = 0) -> Block {
        let params = Self.params
        let height = tip.height + 1
        var nonce = state[Self.spender.publicKey.address].nonce
        var transactions = [Transaction]()
        for (recipient, amount) in payments {
            transactions.append(.transfer(.signed(by: Self.spender, networkID: params.networkID, to: recipient,
                                                  amount: amount, fee: params.minimumFee, nonce: nonce)))
            nonce += 1
        }
        let fees = params.minimumFee * UInt64(payments.count)
        let coinbase = Coinbase(networkID: params.networkID, height: height, recipient: miner,
                                amount: params.reward(at: height) + fees, data: [tag])
        transactions.insert(.coinbase(coinbase), at: 0)
        let header = BlockHeader(height: height, previousHash: tip.hash,
                                 merkleRoot: MerkleTree.root(of: transactions.map(\.id)),
                                 timestamp: params.genesisTimestamp + height * 5, bits: params.initialBits,
                                 nonce: UInt64(tag))
        let block = Block(header: header, transactions: transactions)
        // The fixture only builds blocks that connect.
        let undo = try! state.connect(block, params: params)
        blocks.append(block)
        undos.append(undo)
        return block
    }

    /// The chain cut back to `height`, as a fork point.
    func truncated(to height: Int) -> StoreTestChain {
        var copy = self
        while copy.height > height {
            copy.state.disconnect(copy.undos.removeLast())
            copy.blocks.removeLast()
        }
        return copy
    }

    /// The update that moves the tip from `old` to `new`, which share the
    /// blocks up to `forkHeight`.
    static func update(from old: StoreTestChain, to new: StoreTestChain, forkHeight: Int) -> TipUpdate {
        let gone = old.height > forkHeight ? Array((forkHeight + 1...old.height).reversed()) : []
        let joining = new.height > forkHeight ? Array(forkHeight + 1...new.height) : []
        var touched = Set<Address>()
        for i in gone { touched.formUnion(old.undos[i].previous.keys) }
        for i in joining { touched.formUnion(new.undos[i].previous.keys) }
        var accounts = [Address: Account?]()
        for address in touched { accounts[address] = .some(new.state.accounts[address]) }
        return TipUpdate(disconnected: gone.map { old.blocks[$0] },
                         connected: joining.map { (new.blocks[$0], new.undos[$0]) },
                         accounts: accounts, tip: new.tip.hash)
    }

    /// Saves `new`'s blocks after `forkHeight` and commits the move to it.
    static func move(_ store: any ChainStore, from old: StoreTestChain, to new: StoreTestChain,
                     forkHeight: Int) throws {
        for block in new.blocks.dropFirst(forkHeight + 1) { try store.saveBlock(block, entry: entry(for: block)) }
        try store.commit(update(from: old, to: new, forkHeight: forkHeight))
    }

    /// An empty store holding this chain's genesis.
    func initialize(_ store: any ChainStore) throws {
        try store.initialize(genesis: genesis, entry: Self.entry(for: genesis),
                             accounts: StoreTestChain().state.accounts)
    }
}

/// A fixed address for tests: twenty copies of `byte`.
func testAddress(_ byte: UInt8) -> Address {
    Address(bytes: [UInt8](repeating: byte, count: Address.size))!
}

/// A directory under the system's temporary directory, removed by `remove()`.
struct TemporaryDirectory {
    let url: URL

    init() throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("obol-store-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    var databasePath: String { url.appendingPathComponent(SQLiteChainStore.fileName).path }

    func remove() { try? FileManager.default.removeItem(at: url) }
}

/// The two implementations, for tests whose behaviour they share.
enum StoreKind: String, CaseIterable, Sendable, CustomStringConvertible {
    case memory, sqlite

    var description: String { rawValue }

    func make(in directory: TemporaryDirectory) throws -> any ChainStore {
        switch self {
        case .memory: MemoryChainStore()
        case .sqlite: try SQLiteChainStore(path: directory.databasePath)
        }
    }
}

/// Asserts that `body` throws a `StoreError` whose code is one of `codes`.
func expectStoreError(_ codes: Set<StoreError.Code>, sourceLocation: SourceLocation = #_sourceLocation,
                      _ body: () throws -> Void) {
    do {
        try body()
        Issue.record("expected a StoreError \(codes), nothing was thrown", sourceLocation: sourceLocation)
    } catch let error as StoreError {
        #expect(codes.contains(error.code), "unexpected \(error)", sourceLocation: sourceLocation)
    } catch {
        Issue.record("expected a StoreError \(codes), got \(error)", sourceLocation: sourceLocation)
    }
}
