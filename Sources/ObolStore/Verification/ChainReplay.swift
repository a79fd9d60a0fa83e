import ObolCore
import ObolNode

/// The chain rebuilt from genesis with every consensus rule checked again and
/// no cache: header rules (`HeaderValidator`), body rules and every signature
/// (`BlockValidator`), and the account rules (`AccountState.connect`). What it
/// ends with (accounts, undo data, index rows, chain work) is what a store
/// holding the same blocks must hold. `VerificationRun` feeds it the stored
/// blocks in height order.
struct ChainReplay {
    let params: ChainParams
    /// The clock reading the future-drift rule is checked against.
    let now: UInt64
    private(set) var tree: BlockTree
    private(set) var accounts: AccountState
    /// The `txindex` rows the best chain calls for.
    private(set) var transactions: [Hash256: StoreSnapshot.TransactionRow] = [:]
    /// The `address_tx` rows the best chain calls for.
    private(set) var addresses: Set<StoreSnapshot.AddressRow> = []

    init(params: ChainParams, now: UInt64) {
        self.params = params
        self.now = now
        let genesis = params.genesisBlock
        tree = BlockTree(genesis: BlockIndexEntry(hash: genesis.hash, header: genesis.header,
                                                  chainWork: Self.work(of: genesis.header), status: .valid))
        accounts = AccountState(genesis: params)
        index(genesis)
    }

    var genesisEntry: BlockIndexEntry { tree.entry(tree.mainChain[0])! }

    /// The work of one header, as the node counts it.
    static func work(of header: BlockHeader) -> UInt256 { header.bits.target?.workForTarget ?? .one }

    /// The chain work an entry whose parent is in the replay must have.
    func chainWork(of header: BlockHeader) -> UInt256? {
        tree.entry(header.previousHash).map { $0.chainWork + Self.work(of: header) }
    }

    /// Validates `block` in full as the child of the replay's tip and connects
    /// it; returns the undo data that disconnects it again.
    mutating func connect(_ block: Block) throws(ValidationError) -> BlockUndo {
        let header = block.header
        try checkHeader(header)
        try BlockValidator.checkSanity(block, params: params)
        try BlockValidator.verifySignatures(block)
        let undo = try accounts.connect(block, params: params)
        tree.insert(BlockIndexEntry(hash: block.hash, header: header, chainWork: chainWork(of: header)!, status: .valid))
        tree.connect(block.hash)
        index(block)
        return undo
    }

    /// Checks an entry off the best chain as far as the store allows: the
    /// header rules, and for a valid entry with a body the body rules that need
    /// no account state (the node checks a side branch's accounts only when it
    /// reorganizes onto it). An invalid entry is taken as stored: nothing shows
    /// which rule its body broke. Adds the entry, so its descendants can be checked.
    mutating func addSideEntry(_ entry: BlockIndexEntry, body: Block?) throws(ValidationError) {
        defer {
            var replayed = entry
            replayed.chainWork = chainWork(of: entry.header)!
            tree.insert(replayed)
        }
        guard entry.status != .invalid else { return }
        try checkHeader(entry.header)
        if let body {
            try BlockValidator.checkSanity(body, params: params)
            try BlockValidator.verifySignatures(body)
        }
    }

    /// Proof of work and the rules that need the parent chain. The parent
    /// must be in the replay.
    private func checkHeader(_ header: BlockHeader) throws(ValidationError) {
        let context = tree.context(forChildOf: header.previousHash, now: now, params: params)!
        try HeaderValidator.check(header, context, params: params)
    }

    private mutating func index(_ block: Block) {
        let hash = block.hash
        let height = Int64(bitPattern: block.height)
        for (index, transaction) in block.transactions.enumerated() {
            transactions[transaction.id] = StoreSnapshot.TransactionRow(block: hash, height: height, index: Int64(index))
        }
        block.forEachIndexedAddress { txid, index, address in
            addresses.insert(StoreSnapshot.AddressRow(address: address, height: height, index: Int64(index), txid: txid))
        }
    }
}
