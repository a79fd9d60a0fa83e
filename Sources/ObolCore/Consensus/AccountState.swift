/// One account: its balance and the nonce its next transfer must carry.
public struct Account: Sendable, Hashable, Codable {
    public var balance: UInt64
    public var nonce: UInt64

    public init(balance: UInt64 = 0, nonce: UInt64 = 0) {
        self.balance = balance
        self.nonce = nonce
    }

    public static let empty = Account()
}

/// What undoes one connected block: every touched account's previous value
/// (nil when the account did not exist).
public struct BlockUndo: Sendable, Hashable, BinaryCodable {
    public var previous: [Address: Account?]

    public init(previous: [Address: Account?]) { self.previous = previous }

    public var encodingCapacity: Int { 4 + previous.count * (Address.size + 17) }

    public func encode(to w: inout ByteWriter) {
        w.write(UInt32(previous.count))
        for (address, account) in previous.sorted(by: { $0.key < $1.key }) {
            w.write(address)
            if let account {
                w.write(UInt8(1)); w.write(account.balance); w.write(account.nonce)
            } else {
                w.write(UInt8(0))
            }
        }
    }

    public init(from r: inout ByteReader) throws(DecodeError) {
        let count = try r.readCount(field: "undo.entries", limit: 2 * Limits.maxBlockTransactions + 1,
                                    minimumElementSize: Address.size + 1)
        var previous = [Address: Account?](minimumCapacity: count)
        for _ in 0..<count {
            let address = try r.readAddress()
            switch try r.read(UInt8.self) {
            case 0: previous[address] = .some(nil)
            case 1: previous[address] = Account(balance: try r.read(UInt64.self), nonce: try r.read(UInt64.self))
            case let other: throw .unknownType(field: "undo.flag", value: other)
            }
        }
        self.previous = previous
    }
}

/// Balances and nonces of every account: the ledger at one tip.
public struct AccountState: Sendable, Hashable {
    public private(set) var accounts: [Address: Account]

    public init(accounts: [Address: Account] = [:]) { self.accounts = accounts }

    /// The state right after genesis.
    public init(genesis params: ChainParams) {
        accounts = [params.genesisAllocationAddress: Account(balance: params.genesisAllocationAmount, nonce: 0)]
    }

    public subscript(address: Address) -> Account { accounts[address] ?? .empty }

    /// Applies a block whose sanity and signatures were already checked:
    /// nonces, balances and the coinbase amount. On any error the state is
    /// unchanged; on success it returns what undoes the block.
    public mutating func connect(_ block: Block, params: ChainParams) throws(ValidationError) -> BlockUndo {
        var changed = [Address: Account](minimumCapacity: block.transactions.count * 2)
        func current(_ a: Address) -> Account { changed[a] ?? accounts[a] ?? .empty }

        var fees: UInt64 = 0
        for transfer in block.transfers {
            var sender = current(transfer.senderAddress)
            try TransferRules.checkAgainstAccount(transfer, sender)
            let cost = transfer.amount + transfer.fee  // checked by checkAgainstAccount
            sender.balance -= cost
            sender.nonce += 1
            changed[transfer.senderAddress] = sender
            var recipient = current(transfer.recipient)
            let (credited, overflow) = recipient.balance.addingReportingOverflow(transfer.amount)
            guard !overflow else { throw .amountOverflow(transfer.id) }
            recipient.balance = credited
            changed[transfer.recipient] = recipient
            let (sum, feeOverflow) = fees.addingReportingOverflow(transfer.fee)
            guard !feeOverflow else { throw .amountOverflow(transfer.id) }
            fees = sum
        }

        guard case let .coinbase(coinbase)? = block.transactions.first else { throw .firstTransactionNotCoinbase }
        let (expected, overflow) = params.reward(at: block.height).addingReportingOverflow(fees)
        guard !overflow else { throw .amountOverflow(coinbase.id) }
        guard coinbase.amount == expected else { throw .coinbaseAmountMismatch(expected: expected, actual: coinbase.amount) }
        var miner = current(coinbase.recipient)
        let (paid, minerOverflow) = miner.balance.addingReportingOverflow(coinbase.amount)
        guard !minerOverflow else { throw .amountOverflow(coinbase.id) }
        miner.balance = paid
        changed[coinbase.recipient] = miner

        var previous = [Address: Account?](minimumCapacity: changed.count)
        for (address, account) in changed {
            previous[address] = .some(accounts[address])
            accounts[address] = account
        }
        return BlockUndo(previous: previous)
    }

    /// Reverts a block connected with `connect`, restoring the exact prior state.
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
