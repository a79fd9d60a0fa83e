import Foundation
import ObolCore
import ObolNode

/// `body(i)` for i in 0..<count on every core (setup only: signing and key
/// derivation for the fixtures).
func parallelMap<T>(_ count: Int, _ body: @Sendable (Int) -> T) -> [T] {
    [T](unsafeUninitializedCapacity: count) { buffer, initialized in
        let chunk = 256
        let chunks = (count + chunk - 1) / chunk
        // Each chunk initializes its own disjoint range of the buffer.
        nonisolated(unsafe) let base = buffer.baseAddress
        DispatchQueue.concurrentPerform(iterations: chunks) { c in
            for i in c * chunk..<min(count, (c + 1) * chunk) { (base! + i).initialize(to: body(i)) }
        }
        initialized = count
    }
}

/// A key, its public key and its address, derived once.
struct BenchKey: Sendable {
    let key: PrivateKey
    let publicKey: PublicKey
    let address: Address

    init(_ label: String) {
        key = Fixtures.key(label)
        publicKey = key.publicKey
        address = publicKey.address
    }

    /// A transfer signed by this key (the public key is not derived again).
    func transfer(params: ChainParams, to recipient: Address, amount: UInt64, fee: UInt64, nonce: UInt64) -> Transfer {
        let unsigned = Transfer(networkID: params.networkID, sender: publicKey, recipient: recipient, amount: amount,
                                fee: fee, nonce: nonce, signature: .empty)
        return unsigned.withSignature(key.sign(digest: unsigned.signatureDigest))
    }
}

/// A deterministic fresh address (nobody holds its key).
func benchAddress(_ label: String) -> Address {
    let digest = SHA256.hash(Array(label.utf8))
    return Address(bytes: Array(digest.bytes.prefix(Address.size)))!
}

/// The header of `transactions` on `previousHash`, mined at trivial difficulty.
func minedHeader(height: UInt64, previousHash: Hash256, transactions: [Transaction], timestamp: UInt64,
                 bits: CompactTarget) -> BlockHeader {
    var header = BlockHeader(height: height, previousHash: previousHash,
                             merkleRoot: MerkleTree.root(of: transactions.map(\.fullHash)), timestamp: timestamp, bits: bits)
    while !header.meetsOwnTarget { header.nonce += 1 }
    return header
}

/// The block the `Limit.validate*` and `Limit.mempool*` benchmarks use:
/// `count` transfers, each from its own funded sender (nonce 0) to a fresh
/// address, so no work can be shared between two transfers. Test network
/// (trivial difficulty), so the header's proof of work is checked as well.
final class LimitFixture: @unchecked Sendable { // safe: every property is immutable after init
    let params = ChainParams.test
    let block: Block
    let transfers: [Transfer]
    /// What the chain would check the header against.
    let context: HeaderContext
    /// Every sender funded; `connect` of `block` succeeds on it.
    let state: AccountState
    /// The block's signatures pre-parsed, for the raw libsecp256k1 reference.
    let parsed: ParsedSignatures
    /// Holds every transfer of the block, as after mempool admission.
    let warmCache: SignatureCache
    /// A chain whose tip state funds every sender: the mempool's account provider.
    let chain: ChainActor

    init(count: Int) throws {
        let params = params
        let senders = parallelMap(count) { BenchKey("obol/bench/limit/sender/\($0)") }
        let funded = 1_000 * ChainParams.coin
        var accounts = AccountState(genesis: params).accounts
        for sender in senders { accounts[sender.address] = Account(balance: funded, nonce: 0) }
        state = AccountState(accounts: accounts)

        transfers = parallelMap(count) { i in
            senders[i].transfer(params: params, to: benchAddress("obol/bench/limit/recipient/\(i)"),
                                amount: ChainParams.coin + UInt64(i), fee: params.minimumFee + UInt64(i % 7),
                                nonce: 0)
        }
        let height: UInt64 = 1_000
        let fees = transfers.reduce(0) { $0 + $1.fee }
        let coinbase = Coinbase(networkID: params.networkID, height: height,
                                recipient: Fixtures.key("obol/bench/miner").publicKey.address,
                                amount: params.reward(at: height) + fees, data: Array("bench".utf8))
        let transactions = [Transaction.coinbase(coinbase)] + transfers.map(Transaction.transfer)
        let timestamp = params.genesisTimestamp + 5 * height
        let header = minedHeader(height: height, previousHash: SHA256d.hash(Array("obol/bench/limit".utf8)),
                                 transactions: transactions, timestamp: timestamp, bits: params.initialBits)
        block = Block(header: header, transactions: transactions)
        context = HeaderContext(expectedHeight: height, expectedBits: params.initialBits,
                                medianTimePast: timestamp - 1, now: timestamp)
        parsed = ParsedSignatures(transfers)
        warmCache = SignatureCache()
        warmCache.insert(contentsOf: transfers)

        // A chain store that starts with the funded accounts, so the real
        // ChainActor answers the mempool's account reads.
        let store = MemoryChainStore()
        let genesis = params.genesisBlock
        try store.initialize(genesis: genesis,
                             entry: BlockIndexEntry(hash: genesis.hash, header: genesis.header,
                                                    chainWork: genesis.header.bits.target?.workForTarget ?? .one,
                                                    status: .valid),
                             accounts: accounts)
        chain = try ChainActor(params: params, store: store)

        // The benchmarks measure the accepting path: fail loudly if the fixture is invalid.
        try HeaderValidator.check(header, context, params: params)
        try BlockValidator.checkSanity(block, params: params)
        try BlockValidator.verifySignatures(block)
        var copy = state
        _ = try copy.connect(block, params: params)
    }

    static let shared2000 = Result { try LimitFixture(count: 2_000) }
}

/// A chain for the import benchmark: `blocks` blocks of `perBlock`
/// transfers each on the test network's genesis, kept encoded as a peer
/// would send them.
///
/// The first `senders / perBlock` blocks fund `senders` accounts from the
/// genesis allocation; after that, senders take turns (each transfer pays a
/// fresh address, so the account set grows by `perBlock` every block).
/// Timestamps are exactly the target spacing apart, so the difficulty
/// (trivial) never moves.
struct ImportChain: Sendable {
    let params: ChainParams
    let encodedBlocks: [[UInt8]]
    let transferCount: Int

    /// Blocks in the benchmark chain: `OBOL_BENCH_IMPORT_BLOCKS`, default 1,000.
    static var configuredBlocks: Int {
        ProcessInfo.processInfo.environment["OBOL_BENCH_IMPORT_BLOCKS"].flatMap(Int.init).map { max(20, $0) } ?? 1_000
    }

    /// The chain of `configuredBlocks` blocks, built once per process (the import and sync benchmarks share it).
    static let shared = ImportChain.make(blocks: configuredBlocks)

    static func make(blocks: Int, perBlock: Int = 100, senders: Int = 1_000) -> ImportChain {
        let params = ChainParams.test
        let fundingBlocks = (senders + perBlock - 1) / perBlock
        precondition(blocks > fundingBlocks, "the chain must be longer than its funding blocks")
        let allocation = BenchKey.allocation
        let keys = parallelMap(senders) { BenchKey("obol/bench/import/sender/\($0)") }

        // Plan every transfer (sender, recipient, amount, fee, nonce), then sign them on every core.
        struct Plan: Sendable {
            var sender: Int  // -1: the genesis allocation key
            var recipient: Address
            var amount: UInt64
            var fee: UInt64
            var nonce: UInt64
        }
        var plans = [Plan]()
        plans.reserveCapacity(blocks * perBlock)
        var nonces = [UInt64](repeating: 0, count: senders)
        for i in 0..<senders {
            plans.append(Plan(sender: -1, recipient: keys[i].address, amount: 500 * ChainParams.coin,
                              fee: params.minimumFee, nonce: UInt64(i)))
        }
        while plans.count < fundingBlocks * perBlock {  // pad the last funding block
            let i = plans.count
            plans.append(Plan(sender: -1, recipient: benchAddress("obol/bench/import/pad/\(i)"), amount: 1,
                              fee: params.minimumFee, nonce: UInt64(i)))
        }
        var turn = 0
        while plans.count < blocks * perBlock {
            let sender = turn % senders
            turn += 1
            plans.append(Plan(sender: sender, recipient: benchAddress("obol/bench/import/recipient/\(plans.count)"),
                              amount: 10_000 + UInt64(turn % 97), fee: params.minimumFee + UInt64(turn % 7),
                              nonce: nonces[sender]))
            nonces[sender] += 1
        }
        let planned = plans
        let transfers = parallelMap(planned.count) { i in
            let plan = planned[i]
            let key = plan.sender < 0 ? allocation : keys[plan.sender]
            return key.transfer(params: params, to: plan.recipient, amount: plan.amount, fee: plan.fee,
                                nonce: plan.nonce)
        }

        // Assemble and mine the blocks in order.
        let miner = Fixtures.key("obol/bench/miner").publicKey.address
        var previous = params.genesisBlock.header
        var encoded = [[UInt8]]()
        encoded.reserveCapacity(blocks)
        for height in 1...UInt64(blocks) {
            let slice = transfers[Int(height - 1) * perBlock..<Int(height) * perBlock]
            let fees = slice.reduce(0) { $0 + $1.fee }
            let coinbase = Coinbase(networkID: params.networkID, height: height, recipient: miner,
                                    amount: params.reward(at: height) + fees)
            let transactions = [Transaction.coinbase(coinbase)] + slice.map(Transaction.transfer)
            let timestamp = { (h: UInt64) in params.genesisTimestamp + params.targetBlockTime * h }
            let windowStart = Retarget.isRetargetHeight(height, params: params)
                ? timestamp(Retarget.windowStartHeight(for: height, params: params)) : previous.timestamp
            let bits = Retarget.nextBits(height: height, parentBits: previous.bits, parentTimestamp: previous.timestamp,
                                         windowStartTimestamp: windowStart, params: params)
            let header = minedHeader(height: height, previousHash: previous.hash, transactions: transactions,
                                     timestamp: timestamp(height), bits: bits)
            encoded.append(Block(header: header, transactions: transactions).encoded)
            previous = header
        }
        return ImportChain(params: params, encodedBlocks: encoded, transferCount: blocks * perBlock)
    }
}

extension BenchKey {
    /// The test network's genesis allocation key.
    static var allocation: BenchKey {
        BenchKey(key: ChainParams.devnetAllocationKey)
    }

    init(key: PrivateKey) {
        self.key = key
        publicKey = key.publicKey
        address = publicKey.address
    }
}
