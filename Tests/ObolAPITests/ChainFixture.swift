import ObolCore
import ObolNode

/// A small, real chain on the test network: genesis, a block in which the
/// allocation key pays Alice, a block in which Alice pays Bob, a side-branch
/// block, and a pending transfer from Alice. Everything is signed and hashed
/// by ObolCore; only proof of work is skipped (the fake backend never checks it).
struct ChainFixture: Sendable {
    static let shared = ChainFixture()

    let params = ChainParams.test
    let allocationKey = ChainParams.devnetAllocationKey
    let alice = try! PrivateKey(hex: String(repeating: "11", count: 32))
    let bob = try! PrivateKey(hex: String(repeating: "22", count: 32))
    let miner = try! PrivateKey(hex: String(repeating: "33", count: 32))
    /// Knows nothing: the address of a key that never appears.
    let stranger = try! PrivateKey(hex: String(repeating: "44", count: 32))

    let genesis: Block
    let block1: Block
    let block2: Block
    let sideBlock1: Block
    let payAlice: Transfer
    let payBob: Transfer
    let pending: Transfer

    var aliceAddress: Address { alice.publicKey.address }
    var bobAddress: Address { bob.publicKey.address }
    var minerAddress: Address { miner.publicKey.address }
    var mainChain: [Block] { [genesis, block1, block2] }

    init() {
        let params = ChainParams.test
        let fee = params.minimumFee
        genesis = params.genesisBlock
        payAlice = Transfer.signed(by: allocationKey, networkID: params.networkID, to: alice.publicKey.address,
                                   amount: 10 * ChainParams.coin, fee: fee, nonce: 0)
        block1 = Self.block(on: genesis, params: params, miner: miner.publicKey.address, transfers: [payAlice],
                            timestamp: params.genesisTimestamp + 5)
        payBob = Transfer.signed(by: alice, networkID: params.networkID, to: bob.publicKey.address,
                                 amount: 150_000_000, fee: fee, nonce: 0, data: Array("lunch".utf8))
        block2 = Self.block(on: block1, params: params, miner: miner.publicKey.address, transfers: [payBob],
                            timestamp: params.genesisTimestamp + 10)
        sideBlock1 = Self.block(on: genesis, params: params, miner: bob.publicKey.address, transfers: [],
                                timestamp: params.genesisTimestamp + 7)
        pending = Transfer.signed(by: alice, networkID: params.networkID, to: bob.publicKey.address,
                                  amount: 25_000_000, fee: 2 * fee, nonce: 1)
    }

    static func block(on parent: Block, params: ChainParams, miner: Address, transfers: [Transfer],
                      timestamp: UInt64) -> Block {
        let height = parent.height + 1
        let fees = transfers.reduce(0) { $0 + $1.fee }
        let coinbase = Coinbase(networkID: params.networkID, height: height, recipient: miner,
                                amount: params.reward(at: height) + fees)
        let transactions = [Transaction.coinbase(coinbase)] + transfers.map(Transaction.transfer)
        let header = BlockHeader(height: height, previousHash: parent.hash,
                                 merkleRoot: MerkleTree.root(of: transactions.map(\.id)),
                                 timestamp: timestamp, bits: params.initialBits, nonce: 0)
        return Block(header: header, transactions: transactions)
    }

    /// The fee-paying transfer Alice could send next (nonce 2, after the pending one).
    func nextFromAlice(amount: UInt64 = ChainParams.coin, nonce: UInt64 = 2) -> Transfer {
        Transfer.signed(by: alice, networkID: params.networkID, to: bobAddress, amount: amount,
                        fee: params.minimumFee, nonce: nonce)
    }
}
