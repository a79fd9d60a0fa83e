import ObolCore

/// Deterministic inputs shared by the benchmarks. Built once, on first use,
/// in a benchmark's setup (never inside the measured region).
enum Fixtures {
    static let params = ChainParams.devnet

    /// A realistic header at the devnet's initial difficulty.
    static let header = BlockHeader(
        version: 1, height: 1_000,
        previousHash: SHA256d.hash(Array("obol/bench/previous".utf8)),
        merkleRoot: SHA256d.hash(Array("obol/bench/merkle".utf8)),
        timestamp: 1_795_000_000, bits: params.initialBits, nonce: 0)

    /// A deterministic private key from a label (SHA-256 of the label; a hash
    /// outside 1..<n is astronomically unlikely and would trap here, in setup).
    static func key(_ label: String) -> PrivateKey {
        try! PrivateKey(bytes: SHA256.hash(Array(label.utf8)).bytes)
    }

    static let block1000 = SignedBlock.make(senders: 250, transfersPerSender: 4)
}

/// A block of signed transfers from many senders and the account state it
/// connects onto.
struct SignedBlock: Sendable {
    let block: Block
    let state: AccountState
    let encoded: [UInt8]

    var transfers: [Transfer] { block.transactions.compactMap(\.transfer) }
    /// Transfers in the block (the per-item unit of the block benchmarks).
    var transferCount: Int { block.transactions.count - 1 }

    /// `senders * transfersPerSender` transfers; each sender spends nonces
    /// 0, 1, 2, ... in block order, each transfer pays a fresh address.
    static func make(senders: Int, transfersPerSender: Int) -> SignedBlock {
        let params = Fixtures.params
        let keys = (0..<senders).map { Fixtures.key("obol/bench/sender/\($0)") }
        let funded = 10_000 * ChainParams.coin
        var accounts = [Address: Account]()
        for key in keys { accounts[key.publicKey.address] = Account(balance: funded, nonce: 0) }
        let state = AccountState(accounts: accounts)

        var txs = [Transaction]()
        var fees: UInt64 = 0
        var n: UInt64 = 0
        for round in 0..<transfersPerSender {
            for key in keys {
                n += 1
                let recipient = Address(bytes: Array(SHA256.hash(Array("obol/bench/recipient/\(n)".utf8)).bytes.prefix(Address.size)))!
                let fee = params.minimumFee + n % 7
                fees += fee
                txs.append(.transfer(.signed(by: key, networkID: params.networkID, to: recipient,
                                             amount: ChainParams.coin + n, fee: fee, nonce: UInt64(round))))
            }
        }
        let height = Fixtures.header.height
        let coinbase = Coinbase(networkID: params.networkID, height: height,
                                recipient: Fixtures.key("obol/bench/miner").publicKey.address,
                                amount: params.reward(at: height) + fees, data: Array("bench".utf8))
        txs.insert(.coinbase(coinbase), at: 0)
        var header = Fixtures.header
        header.merkleRoot = MerkleTree.root(of: txs.map(\.fullHash))
        let block = Block(header: header, transactions: txs)

        // The benchmarks measure the accepting path: fail loudly if the fixture is invalid.
        do {
            try BlockValidator.checkSanity(block, params: params)
            try BlockValidator.verifySignatures(block)
            var copy = state
            _ = try copy.connect(block, params: params)
        } catch {
            fatalError("benchmark block fixture is invalid: \(error)")
        }
        return SignedBlock(block: block, state: state, encoded: block.encoded)
    }
}
