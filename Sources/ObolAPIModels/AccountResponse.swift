import ObolCore

/// `GET /accounts/{address}`: balance and nonce at the best tip, and the
/// account's recent transactions.
public struct AccountResponse: Codable, Sendable, Hashable {
    public var address: Address
    /// Confirmed balance in base units (1 coin = 100,000,000).
    public var balance: UInt64
    /// The nonce the next confirmed transfer must carry.
    public var nonce: UInt64
    /// The nonce for a new transfer, counting this account's transfers that
    /// are waiting in the mempool (what a wallet should sign with).
    public var pendingNonce: UInt64
    /// Pending transfers first, then confirmed transactions newest first.
    public var transactions: [TransactionResponse]

    public init(address: Address, balance: UInt64, nonce: UInt64, pendingNonce: UInt64,
                transactions: [TransactionResponse]) {
        self.address = address
        self.balance = balance
        self.nonce = nonce
        self.pendingNonce = pendingNonce
        self.transactions = transactions
    }
}
