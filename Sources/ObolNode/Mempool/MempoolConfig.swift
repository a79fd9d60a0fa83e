import ObolCore

/// Limits and policy of the mempool.
public struct MempoolConfig: Sendable, Hashable {
    /// Most transfers held at once.
    public var maxCount: Int
    /// Most encoded bytes held at once.
    public var maxBytes: Int
    /// Seconds a transfer may wait; older ones are removed (`.expired`).
    public var expiry: UInt64
    /// How much more fee a replacement must pay than the transfer it replaces;
    /// nil means the network's minimum fee. A replacement always pays strictly more.
    public var replacementFeeIncrement: UInt64?
    /// How often `MempoolActor.run` looks for expired transfers when no chain event arrives.
    public var expiryCheckInterval: Duration
    /// Most pending transfers of one sender (Bitcoin Core's ancestor limit is 25):
    /// admission refuses more (`.tooManyPending`), and a rebuild keeps the first ones.
    public var maxPerSender: Int
    /// Chain events the node buffers for the mempool. When it falls further
    /// behind, the oldest are dropped and the mempool rebuilds every sender at
    /// the next tip (see `MempoolActor.run`).
    public var chainEventBuffer: Int

    public init(maxCount: Int = 50_000, maxBytes: Int = 32 * 1024 * 1024, expiry: UInt64 = 3600,
                replacementFeeIncrement: UInt64? = nil, expiryCheckInterval: Duration = .seconds(60),
                maxPerSender: Int = 25, chainEventBuffer: Int = 256) {
        self.maxCount = maxCount
        self.maxBytes = maxBytes
        self.expiry = expiry
        self.replacementFeeIncrement = replacementFeeIncrement
        self.expiryCheckInterval = expiryCheckInterval
        self.maxPerSender = maxPerSender
        self.chainEventBuffer = max(1, chainEventBuffer)
    }

    /// The increment in effect on a network.
    public func replacementIncrement(_ params: ChainParams) -> UInt64 {
        replacementFeeIncrement ?? params.minimumFee
    }
}
