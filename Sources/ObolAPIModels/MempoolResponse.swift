/// `GET /mempool`: the transfers waiting to be mined.
public struct MempoolResponse: Codable, Sendable, Hashable {
    /// How many transfers the mempool holds.
    public var count: Int
    /// Up to the first 1,000 of them, all with status `pending`.
    public var transactions: [TransactionResponse]

    public init(count: Int, transactions: [TransactionResponse]) {
        self.count = count
        self.transactions = transactions
    }
}
