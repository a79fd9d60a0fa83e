/// A block's header, transaction count and encoded size: what a listing of
/// blocks shows, read without decoding the transactions.
public struct BlockOutline: Sendable, Hashable {
    public var header: BlockHeader
    public var transactionCount: Int
    /// Encoded size of the whole block in bytes.
    public var size: Int

    public var hash: Hash256 { header.hash }
    public var height: UInt64 { header.height }

    public init(header: BlockHeader, transactionCount: Int, size: Int) {
        self.header = header
        self.transactionCount = transactionCount
        self.size = size
    }

    public init(_ block: Block) {
        self.init(header: block.header, transactionCount: block.transactions.count, size: block.size)
    }

    /// How many leading bytes of an encoded block the outline is read from:
    /// the header, then the transaction count.
    public static let prefixSize = BlockHeader.size + 4

    /// Reads the outline from the first `prefixSize` bytes of an encoded block
    /// whose full encoding is `size` bytes long.
    public init(prefix: [UInt8], size: Int) throws(DecodeError) {
        var reader = ByteReader(prefix)
        let header = try BlockHeader(from: &reader)
        let count = Int(try reader.read(UInt32.self))
        guard count <= Limits.maxBlockTransactions else {
            throw .countTooLarge(field: "block.transactions", count: count, limit: Limits.maxBlockTransactions)
        }
        guard size >= Self.prefixSize else { throw .truncated(needed: Self.prefixSize, available: size) }
        self.init(header: header, transactionCount: count, size: size)
    }
}
