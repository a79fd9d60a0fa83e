/// Block rules that need no chain state (btcd's "sanity" stage), plus the
/// signature check kept apart so a node can run it in parallel and cache it.
public enum BlockValidator {
    /// Size, count, coinbase placement, Merkle root (over full hashes, so it
    /// covers the signatures), duplicates and every
    /// transfer's stateless rules. Does not verify signatures.
    public static func checkSanity(_ block: Block, params: ChainParams) throws(ValidationError) {
        let size = block.size
        guard size <= params.maxBlockSize else { throw .blockTooLarge(size: size, limit: params.maxBlockSize) }
        let count = block.transactions.count
        guard count <= params.maxBlockTransactions else {
            throw .tooManyTransactions(count: count, limit: params.maxBlockTransactions)
        }
        guard case let .coinbase(coinbase)? = block.transactions.first else { throw .firstTransactionNotCoinbase }
        guard coinbase.networkID == params.networkID else {
            throw .wrongNetwork(expected: params.networkID, actual: coinbase.networkID)
        }
        guard coinbase.height == block.header.height else {
            throw .coinbaseHeightMismatch(expected: block.header.height, actual: coinbase.height)
        }
        guard coinbase.data.count <= Limits.maxCoinbaseData else { throw .coinbaseDataTooLarge }

        var leaves = [Hash256]()
        leaves.reserveCapacity(count)
        var seen = Set<Hash256>(minimumCapacity: count)
        for (index, tx) in block.transactions.enumerated() {
            let id = tx.id
            leaves.append(tx.fullHash)
            guard seen.insert(id).inserted else { throw .duplicateTransaction(id) }
            switch tx {
            case .coinbase:
                if index != 0 { throw .multipleCoinbases }
            case let .transfer(transfer):
                try TransferRules.checkSanity(transfer, params: params)
            }
        }
        guard MerkleTree.root(reducing: &leaves) == block.header.merkleRoot else { throw .merkleRootMismatch }
    }

    /// Verifies every transfer's signature, one after another.
    public static func verifySignatures(_ block: Block) throws(ValidationError) {
        for transfer in block.transfers {
            guard transfer.hasValidSignature else { throw .invalidSignature(transfer.id) }
        }
    }
}

/// Stateless rules of a single transfer (shared by blocks and the mempool).
public enum TransferRules {
    public static func checkSanity(_ transfer: Transfer, params: ChainParams) throws(ValidationError) {
        guard transfer.networkID == params.networkID else {
            throw .wrongNetwork(expected: params.networkID, actual: transfer.networkID)
        }
        guard transfer.amount > 0 else { throw .zeroAmount(transfer.id) }
        guard transfer.fee >= params.minimumFee else {
            throw .feeBelowMinimum(transfer.id, fee: transfer.fee, minimum: params.minimumFee)
        }
        guard transfer.data.count <= Limits.maxTransferData else { throw .dataTooLarge(transfer.id) }
        guard transfer.totalCost != nil else { throw .amountOverflow(transfer.id) }
    }

    /// Sanity plus the signature.
    public static func checkSanityAndSignature(_ transfer: Transfer, params: ChainParams) throws(ValidationError) {
        try checkSanity(transfer, params: params)
        guard transfer.hasValidSignature else { throw .invalidSignature(transfer.id) }
    }

    /// The account rules for a transfer in a block at `height`: the nonce is
    /// the account's next one, the balance covers amount plus fee, and so do
    /// the coins spendable at `height` (coinbase coins need `maturity`
    /// confirmations; see `Account`).
    public static func checkAgainstAccount(_ transfer: Transfer, _ account: Account,
                                           atHeight height: UInt64, maturity: UInt64) throws(ValidationError) {
        guard transfer.nonce == account.nonce else {
            throw .badNonce(transfer.id, expected: account.nonce, actual: transfer.nonce)
        }
        guard let cost = transfer.totalCost else { throw .amountOverflow(transfer.id) }
        guard account.balance >= cost else {
            throw .insufficientBalance(transfer.id, balance: account.balance, needed: cost)
        }
        let spendable = account.spendable(atHeight: height, maturity: maturity)
        guard spendable >= cost else {
            let from = account.spendableHeight(covering: cost, atHeight: height, maturity: maturity) ?? .max
            throw .immatureCoinbaseSpend(transfer.id, spendable: spendable, needed: cost, spendableFrom: from)
        }
    }
}
