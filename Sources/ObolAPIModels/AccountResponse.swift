import ObolCore

/// `GET /accounts/{address}`: balance and nonce at the best tip, how much of
/// the balance the next block may spend, and the account's recent transactions.
public struct AccountResponse: Codable, Sendable, Hashable {
    public var address: Address
    /// Confirmed balance in base units (1 coin = 100,000,000), immature coins included.
    public var balance: UInt64
    /// What a transfer in the next block may spend: the balance minus coins
    /// minted by coinbases too recent to spend (`immature`).
    public var spendable: UInt64
    /// Newly mined coins not yet spendable in the next block (`balance − spendable`).
    public var immature: UInt64
    /// The immature coins by the first block height that may spend them, earliest first.
    public var maturing: [MaturingCoins]
    /// The height of the next block, at which `spendable` is reckoned.
    public var nextHeight: UInt64
    /// The nonce the next confirmed transfer must carry.
    public var nonce: UInt64
    /// The nonce for a new transfer, counting this account's transfers that
    /// are waiting in the mempool (what a wallet should sign with).
    public var pendingNonce: UInt64
    /// Pending transfers first, then confirmed transactions newest first.
    public var transactions: [TransactionResponse]

    public init(address: Address, balance: UInt64, spendable: UInt64, maturing: [MaturingCoins] = [],
                nextHeight: UInt64, nonce: UInt64, pendingNonce: UInt64, transactions: [TransactionResponse]) {
        self.address = address
        self.balance = balance
        self.spendable = spendable
        self.immature = balance - min(spendable, balance)
        self.maturing = maturing
        self.nextHeight = nextHeight
        self.nonce = nonce
        self.pendingNonce = pendingNonce
        self.transactions = transactions
    }

    /// The first block height from which `needed` can be spent (no other
    /// coins arriving meanwhile): `nextHeight` when it already can, nil when
    /// it exceeds the balance.
    public func spendableHeight(covering needed: UInt64) -> UInt64? {
        Account.spendableHeight(covering: needed, balance: balance, spendable: spendable, at: nextHeight,
                                maturing: maturing.lazy.map { ($0.spendableFrom, $0.amount) })
    }
}

/// Newly mined coins of one coinbase: `amount` base units, spendable by a
/// block at height `spendableFrom` or later.
public struct MaturingCoins: Codable, Sendable, Hashable {
    public var amount: UInt64
    public var spendableFrom: UInt64

    public init(amount: UInt64, spendableFrom: UInt64) {
        self.amount = amount
        self.spendableFrom = spendableFrom
    }
}
