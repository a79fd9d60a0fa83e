import ObolCore

/// One transaction as the API shows it: a confirmed coinbase or transfer,
/// or a transfer still waiting in the mempool.
///
/// Fields that a coinbase does not have (`from`, `nonce`, `senderKey`,
/// `signature`) are left out of its JSON; `blockHash` and `height` are left
/// out while a transfer is pending.
public struct TransactionResponse: Codable, Sendable, Hashable {
    public enum Kind: String, Codable, Sendable, Hashable {
        case coinbase, transfer
    }

    public enum Status: String, Codable, Sendable, Hashable {
        /// In a block of the best chain (or of the block that was asked for).
        case confirmed
        /// In the mempool.
        case pending
    }

    public var txid: Hash256
    public var kind: Kind
    /// The sender's address (transfers only).
    public var from: Address?
    public var to: Address
    /// Base units (1 coin = 100,000,000).
    public var amount: UInt64
    /// Base units; 0 for a coinbase.
    public var fee: UInt64
    /// The sender's account nonce this transfer uses (transfers only).
    public var nonce: UInt64?
    /// The network id the transaction carries.
    public var networkID: UInt32
    /// Free-form payload, hex.
    public var data: String
    /// Compressed secp256k1 public key of the sender, hex (transfers only).
    public var senderKey: String?
    /// 64-byte compact ECDSA signature, hex (transfers only).
    public var signature: String?
    public var status: Status
    public var blockHash: Hash256?
    public var height: UInt64?

    public init(txid: Hash256, kind: Kind, from: Address?, to: Address, amount: UInt64, fee: UInt64, nonce: UInt64?,
                networkID: UInt32, data: String, senderKey: String?, signature: String?, status: Status,
                blockHash: Hash256?, height: UInt64?) {
        self.txid = txid
        self.kind = kind
        self.from = from
        self.to = to
        self.amount = amount
        self.fee = fee
        self.nonce = nonce
        self.networkID = networkID
        self.data = data
        self.senderKey = senderKey
        self.signature = signature
        self.status = status
        self.blockHash = blockHash
        self.height = height
    }
}

extension TransactionResponse {
    /// A transaction in the block `blockHash` at `height`.
    public init(_ transaction: Transaction, blockHash: Hash256, height: UInt64) {
        switch transaction {
        case let .coinbase(coinbase):
            self.init(coinbase: coinbase, blockHash: blockHash)
        case let .transfer(transfer):
            self.init(transfer: transfer, status: .confirmed, blockHash: blockHash, height: height)
        }
    }

    /// A confirmed coinbase.
    public init(coinbase: Coinbase, blockHash: Hash256) {
        self.init(txid: coinbase.id, kind: .coinbase, from: nil, to: coinbase.recipient, amount: coinbase.amount,
                  fee: 0, nonce: nil, networkID: coinbase.networkID, data: Hex.encode(coinbase.data),
                  senderKey: nil, signature: nil, status: .confirmed, blockHash: blockHash, height: coinbase.height)
    }

    /// A transfer: pending when `blockHash` is nil.
    public init(transfer: Transfer, status: Status = .pending, blockHash: Hash256? = nil, height: UInt64? = nil) {
        self.init(txid: transfer.id, kind: .transfer, from: transfer.senderAddress, to: transfer.recipient,
                  amount: transfer.amount, fee: transfer.fee, nonce: transfer.nonce, networkID: transfer.networkID,
                  data: Hex.encode(transfer.data), senderKey: Hex.encode(transfer.sender.bytes),
                  signature: Hex.encode(transfer.signature.bytes), status: status, blockHash: blockHash,
                  height: height)
    }
}
