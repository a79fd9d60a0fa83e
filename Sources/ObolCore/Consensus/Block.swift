/// A header and its transactions, coinbase first.
public struct Block: Sendable, Hashable, BinaryCodable {
    public var header: BlockHeader
    public var transactions: [Transaction]

    public init(header: BlockHeader, transactions: [Transaction]) {
        self.header = header
        self.transactions = transactions
    }

    public var hash: Hash256 { header.hash }
    public var height: UInt64 { header.height }

    /// The Merkle root the header should carry: over every transaction's
    /// `fullHash`, so it commits to the signatures too.
    public var computedMerkleRoot: Hash256 { MerkleTree.root(of: transactions.map(\.fullHash)) }

    public var transfers: some Sequence<Transfer> { transactions.lazy.compactMap(\.transfer) }

    /// Encoded size in bytes.
    public var size: Int { BlockHeader.size + 4 + transactions.reduce(0) { $0 + $1.size } }

    public var encodingCapacity: Int { size }

    public func encode(to w: inout ByteWriter) {
        header.encode(to: &w)
        w.write(UInt32(transactions.count))
        for tx in transactions { tx.encode(to: &w) }
    }

    public init(from r: inout ByteReader) throws(DecodeError) {
        header = try BlockHeader(from: &r)
        let count = try r.readCount(field: "block.transactions", limit: Limits.maxBlockTransactions,
                                    minimumElementSize: Coinbase.baseSize)
        var txs = [Transaction]()
        txs.reserveCapacity(count)
        for _ in 0..<count { txs.append(try Transaction(from: &r)) }
        transactions = txs
    }
}
