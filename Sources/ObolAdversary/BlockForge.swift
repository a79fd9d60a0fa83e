import ObolCore
import ObolNode

/// Makes the blocks an attacker sends: well formed, with real proof of work, each breaking only the rule it
/// is meant to break. Plain values: mining runs on the caller's thread, a million nonces at a time, and
/// stops when the task is cancelled.
public struct BlockForge: Sendable {
    public let params: ChainParams
    /// Who the coinbases pay.
    public let miner: Address

    public init(params: ChainParams, miner: Address) {
        self.params = params
        self.miner = miner
    }

    /// A block at `context`'s height on `context.previousHash`, not yet mined: a coinbase paying the reward
    /// plus the fees, then `transfers` in order. Override `previousHash` to put it on another parent, or
    /// `merkleRoot` to commit to other transactions than it carries.
    public func draft(on context: MiningContext, transfers: [Transfer], timestamp: UInt64,
                      previousHash: Hash256? = nil, merkleRoot: Hash256? = nil) -> Block {
        let fees = transfers.reduce(UInt64(0)) { $0 &+ $1.fee }
        let coinbase = Coinbase(networkID: params.networkID, height: context.height, recipient: miner,
                                amount: params.reward(at: context.height) &+ fees, data: Array("obol-attack".utf8))
        let transactions = [Transaction.coinbase(coinbase)] + transfers.map(Transaction.transfer)
        let header = BlockHeader(height: context.height, previousHash: previousHash ?? context.previousHash,
                                 merkleRoot: merkleRoot ?? MerkleTree.root(of: transactions.map(\.fullHash)),
                                 timestamp: max(timestamp, context.minimumTimestamp), bits: context.bits)
        return Block(header: header, transactions: transactions)
    }

    /// A chain of `length` coinbase-only blocks on genesis, `params.targetBlockTime` apart from the genesis
    /// timestamp, each carrying the bits the retarget rule gives it: valid, and as cheap as the rules allow
    /// for a chain that starts at the genesis difficulty.
    public func forkFromGenesis(length: Int) throws -> [Block] {
        var blocks = [params.genesisBlock]
        for _ in 0..<length {
            let parent = blocks[blocks.count - 1].header
            let height = parent.height + 1
            let windowStart = blocks[Int(Retarget.windowStartHeight(for: height, params: params))].header.timestamp
            let bits = Retarget.nextBits(height: height, parentBits: parent.bits, parentTimestamp: parent.timestamp,
                                         windowStartTimestamp: windowStart, params: params)
            let context = MiningContext(height: height, previousHash: parent.hash, bits: bits,
                                        minimumTimestamp: parent.timestamp + params.targetBlockTime)
            var block = draft(on: context, transfers: [], timestamp: 0)
            block.header = try Self.mine(block.header)
            blocks.append(block)
        }
        return Array(blocks.dropFirst())
    }

    /// `header` with a nonce whose hash meets its bits.
    public static func mine(_ header: BlockHeader) throws -> BlockHeader {
        try mine(header, from: 0, count: .max)!
    }

    /// `header` with a nonce whose hash meets its bits, or nil once `current` says the work is stale (it is
    /// asked after every million nonces).
    public static func mine(_ header: BlockHeader, while current: () async -> Bool) async throws -> BlockHeader? {
        var start: UInt64 = 0
        while await current() {
            if let mined = try mine(header, from: start, count: step) { return mined }
            start &+= step
        }
        return nil
    }

    private static let step: UInt64 = 1 << 20

    private static func mine(_ header: BlockHeader, from first: UInt64, count: UInt64) throws -> BlockHeader? {
        guard let scanner = HashScanner(header: header) else { throw AttackSessionError("bits \(header.bits) decode to no target") }
        var start = first
        var left = count
        while left > 0 {
            try Task.checkCancellation()
            let chunk = min(step, left)
            if let nonce = scanner.scan(from: start, count: chunk) {
                var mined = header
                mined.nonce = nonce
                return mined
            }
            start &+= chunk
            left -= chunk
        }
        return nil
    }

    /// `header` with a nonce whose hash does not meet its bits.
    public static func unmine(_ header: BlockHeader) -> BlockHeader {
        var header = header
        while header.meetsOwnTarget { header.nonce &+= 1 }
        return header
    }

    /// The work a chain of `headers` adds.
    public static func work(of headers: some Sequence<BlockHeader>) -> UInt256 {
        headers.reduce(UInt256.zero) { $0 + ($1.bits.target?.workForTarget ?? .zero) }
    }
}
