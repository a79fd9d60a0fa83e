/// Where a confirmed transaction is.
public struct TransactionLocation: Sendable, Hashable {
    public var txid: Hash256
    public var blockHash: Hash256
    public var height: UInt64
    /// Position in the block (0 is the coinbase).
    public var index: Int

    public init(txid: Hash256, blockHash: Hash256, height: UInt64, index: Int) {
        self.txid = txid
        self.blockHash = blockHash
        self.height = height
        self.index = index
    }
}
