import ObolCore

/// `POST /transactions` when the mempool accepted the transfer.
public struct SubmitTransactionResponse: Codable, Sendable, Hashable {
    public enum Status: String, Codable, Sendable, Hashable {
        case accepted
    }

    public var txid: Hash256
    public var status: Status

    public init(txid: Hash256, status: Status = .accepted) {
        self.txid = txid
        self.status = status
    }
}
