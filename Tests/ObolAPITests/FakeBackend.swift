import ObolAPI
import ObolCore
import ObolNode

/// An in-memory node over `ChainFixture`: the account state is the real one
/// after connecting the fixture's blocks, and `submit` applies the account
/// rules the way a mempool would, recording what it accepted.
actor FakeBackend: NodeBackend {
    nonisolated let params: ChainParams
    private let fixture: ChainFixture
    private var state: AccountState
    private var pool: [Transfer]
    private(set) var submitted: [Transfer] = []

    /// - Parameter coinbaseMaturity: the network's maturity (the fixture's
    ///   `test` preset has none); the fixture's miner never spends, so its
    ///   blocks connect under any.
    init(fixture: ChainFixture = .shared, coinbaseMaturity: UInt64? = nil) {
        self.fixture = fixture
        var params = fixture.params
        if let coinbaseMaturity { params.coinbaseMaturity = coinbaseMaturity }
        self.params = params
        var state = AccountState(genesis: params)
        for block in fixture.mainChain.dropFirst() {
            _ = try! state.connect(block, params: params)
        }
        self.state = state
        pool = [fixture.pending]
    }

    func status() -> NodeStatus {
        let tip = fixture.block2
        return NodeStatus(tip: ChainTip(hash: tip.hash, height: tip.height, chainWork: UInt256(3), header: tip.header),
                          peers: 2, mempoolSize: pool.count, hashRate: 1234.5)
    }

    func blockOutlines(from height: UInt64, limit: Int) -> [BlockOutline] {
        fixture.mainChain.filter { $0.height >= height }.prefix(limit).map(BlockOutline.init)
    }

    func block(_ id: BlockID) -> BlockRecord? {
        switch id {
        case let .height(height):
            return fixture.mainChain.first { $0.height == height }.map { BlockRecord(block: $0, onMainChain: true) }
        case let .hash(hash):
            if let block = fixture.mainChain.first(where: { $0.hash == hash }) {
                return BlockRecord(block: block, onMainChain: true)
            }
            return fixture.sideBlock1.hash == hash ? BlockRecord(block: fixture.sideBlock1, onMainChain: false) : nil
        }
    }

    func transaction(_ txid: Hash256) -> TransactionRecord? {
        if let confirmed = confirmedTransactions().first(where: { $0.transaction.id == txid }) {
            return .confirmed(confirmed)
        }
        return pool.first { $0.id == txid }.map(TransactionRecord.pending)
    }

    func account(_ address: Address, recentLimit: Int) -> AccountRecord {
        let account = state[address]
        let pendingCount = pool.filter { $0.senderAddress == address }.count
        let recent = confirmedTransactions().reversed().filter { confirmed in
            switch confirmed.transaction {
            case let .coinbase(c): c.recipient == address
            case let .transfer(t): t.senderAddress == address || t.recipient == address
            }
        }
        return AccountRecord(account: account, pendingNonce: account.nonce + UInt64(pendingCount),
                             recent: Array(recent.prefix(recentLimit)), nextHeight: fixture.block2.height + 1)
    }

    func mempool(limit: Int) -> (count: Int, transfers: [Transfer]) {
        (pool.count, Array(pool.sorted { FeeRate($0) > FeeRate($1) }.prefix(limit)))
    }

    func mempool(involving address: Address, limit: Int) -> [Transfer] {
        Array(pool.filter { $0.senderAddress == address || $0.recipient == address }.prefix(limit))
    }

    func submit(_ transfer: Transfer) -> SubmitOutcome {
        do {
            try TransferRules.checkSanityAndSignature(transfer, params: params)
            var account = state[transfer.senderAddress]
            account.nonce += UInt64(pool.filter { $0.senderAddress == transfer.senderAddress }.count)
            try TransferRules.checkAgainstAccount(transfer, account, atHeight: fixture.block2.height + 1,
                                                  maturity: params.coinbaseMaturity)
        } catch {
            return .rejected(TransferRejection(error))
        }
        pool.append(transfer)
        submitted.append(transfer)
        return .accepted
    }

    private func confirmedTransactions() -> [ConfirmedTransaction] {
        fixture.mainChain.flatMap { block in
            block.transactions.enumerated().map { index, tx in
                ConfirmedTransaction(transaction: tx, location: TransactionLocation(
                    txid: tx.id, blockHash: block.hash, height: block.height, index: index))
            }
        }
    }
}
