import ObolCore

/// `POST /wallet/send` when the mempool accepted the transfer the node signed: its id and the pending
/// transfer itself (status `pending`).
public struct WalletSendResponse: Codable, Sendable, Hashable {
    public var txid: Hash256
    public var status: SubmitTransactionResponse.Status
    public var transaction: TransactionResponse

    public init(transaction: Transfer) {
        txid = transaction.id
        status = .accepted
        self.transaction = TransactionResponse(transfer: transaction)
    }
}
