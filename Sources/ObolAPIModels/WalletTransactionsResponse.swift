import ObolCore

/// `GET /wallet/transactions`: the node wallet's transactions, pending first, then confirmed newest first.
public struct WalletTransactionsResponse: Codable, Sendable, Hashable {
    public var address: Address
    public var transactions: [TransactionResponse]

    public init(address: Address, transactions: [TransactionResponse]) {
        self.address = address
        self.transactions = transactions
    }
}
