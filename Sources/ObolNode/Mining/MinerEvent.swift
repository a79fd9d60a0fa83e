import ObolCore

/// What the miner did (see `Miner.subscribe`).
public enum MinerEvent: Sendable {
    /// Proof of work began on a template (also after an extra-nonce bump).
    case jobStarted(MiningJobInfo)
    /// A worker found a block; `result` is what the chain did with it.
    case blockFound(Block, SubmitResult)
    /// A job was stopped (new tip, template refresh, shutdown) after its
    /// workers scanned `noncesScanned` nonces, `noncesAfterCancel` of them
    /// after the stop was asked for (bounded by about one chunk of 2^16 per worker).
    case jobCancelled(MiningJobInfo, noncesScanned: UInt64, noncesAfterCancel: UInt64)
    /// The context's bits do not decode to a target: nothing to mine until
    /// the tip changes.
    case invalidTarget(MiningJobInfo)
    /// The clock is `seconds` too far behind the chain for a block to be valid (it reads a time before the
    /// tip's median time past, minus the allowed drift): no job runs until it catches up. Published about
    /// once a second while it lasts.
    case clockBehind(seconds: UInt64)
}

/// Which template a job works on.
public struct MiningJobInfo: Sendable, Hashable {
    /// The miner's job counter; an extra-nonce bump keeps the id.
    public var id: Int
    public var height: UInt64
    public var previousHash: Hash256
    public var bits: CompactTarget
    public var transferCount: Int
    public var extraNonce: UInt64

    public init(id: Int, height: UInt64, previousHash: Hash256, bits: CompactTarget, transferCount: Int,
                extraNonce: UInt64) {
        self.id = id
        self.height = height
        self.previousHash = previousHash
        self.bits = bits
        self.transferCount = transferCount
        self.extraNonce = extraNonce
    }

    init(id: Int, template: BlockTemplate) {
        self.init(id: id, height: template.context.height, previousHash: template.context.previousHash,
                  bits: template.context.bits, transferCount: template.transfers.count,
                  extraNonce: template.extraNonce)
    }
}
