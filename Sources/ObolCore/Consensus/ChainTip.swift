/// The best chain's tip.
public struct ChainTip: Sendable, Hashable {
    public var hash: Hash256
    public var height: UInt64
    public var chainWork: UInt256
    public var header: BlockHeader

    public init(hash: Hash256, height: UInt64, chainWork: UInt256, header: BlockHeader) {
        self.hash = hash
        self.height = height
        self.chainWork = chainWork
        self.header = header
    }
}
