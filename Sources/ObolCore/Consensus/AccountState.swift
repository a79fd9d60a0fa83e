/// Balances, nonces and maturity locks of every account: the ledger at one tip.
///
/// Every change goes through `Account`'s checked helpers (`debit`, `credit`,
/// `advanceNonce`), which throw a `ValidationError` instead of trapping, so
/// no block can crash a node even if a rule check before them were missing.
public struct AccountState: Sendable, Hashable {
    public private(set) var accounts: [Address: Account]

    public init(accounts: [Address: Account] = [:]) { self.accounts = accounts }

    /// The state right after genesis. The allocation carries no maturity
    /// lock: it is spendable at once.
    public init(genesis params: ChainParams) {
        accounts = [params.genesisAllocationAddress: Account(balance: params.genesisAllocationAmount, nonce: 0)]
    }

    public subscript(address: Address) -> Account { accounts[address] ?? .empty }

    /// Applies a block whose sanity and signatures were already checked:
    /// nonces, balances, coinbase maturity and the coinbase amount. On any
    /// error the state is unchanged; on success it returns what undoes the block.
    ///
    /// A transfer in a block at height h may spend only its sender's coins
    /// spendable at h (`Account.spendable`); the coinbase's coins are locked
    /// at h when `params.coinbaseMaturity > 0`; every account written drops
    /// the locks that have matured at h.
    public mutating func connect(_ block: Block, params: ChainParams) throws(ValidationError) -> BlockUndo {
        let height = block.height
        let maturity = params.coinbaseMaturity
        var changed = [Address: Account](minimumCapacity: block.transactions.count * 2)
        func current(_ a: Address) -> Account { changed[a] ?? accounts[a] ?? .empty }

        var fees: UInt64 = 0
        for transfer in block.transfers {
            let id = transfer.id
            var sender = current(transfer.senderAddress)
            try TransferRules.checkAgainstAccount(transfer, sender, atHeight: height, maturity: maturity)
            guard let cost = transfer.totalCost else { throw .amountOverflow(id) }
            try sender.debit(cost, by: id)
            try sender.advanceNonce(by: id)
            changed[transfer.senderAddress] = sender
            var recipient = current(transfer.recipient)
            try recipient.credit(transfer.amount, by: id)
            changed[transfer.recipient] = recipient
            let (sum, feeOverflow) = fees.addingReportingOverflow(transfer.fee)
            guard !feeOverflow else { throw .amountOverflow(id) }
            fees = sum
        }

        guard case let .coinbase(coinbase)? = block.transactions.first else { throw .firstTransactionNotCoinbase }
        let (expected, overflow) = params.reward(at: height).addingReportingOverflow(fees)
        guard !overflow else { throw .amountOverflow(coinbase.id) }
        guard coinbase.amount == expected else { throw .coinbaseAmountMismatch(expected: expected, actual: coinbase.amount) }
        var miner = current(coinbase.recipient)
        try miner.credit(coinbase.amount, by: coinbase.id)
        if maturity > 0 { miner.lock(coinbase.amount, mintedAt: height) }
        changed[coinbase.recipient] = miner

        var previous = [Address: Account?](minimumCapacity: changed.count)
        for (address, var account) in changed {
            account.dropMatureLocks(atHeight: height, maturity: maturity)
            previous[address] = .some(accounts[address])
            accounts[address] = account
        }
        return BlockUndo(previous: previous)
    }

    /// Reverts a block connected with `connect`, restoring the exact prior
    /// state, maturity locks included.
    public mutating func disconnect(_ undo: BlockUndo) {
        for (address, account) in undo.previous {
            accounts[address] = account
        }
    }

    /// Sets accounts directly (for loading a stored state).
    public mutating func restore(_ address: Address, _ account: Account?) {
        accounts[address] = account
    }
}
