/// What a header is checked against: facts about its parent chain and the
/// local clock, passed in (consensus never reads a clock).
public struct HeaderContext: Sendable, Hashable {
    public var expectedHeight: UInt64
    public var expectedBits: CompactTarget
    public var medianTimePast: UInt64
    public var now: UInt64

    public init(expectedHeight: UInt64, expectedBits: CompactTarget, medianTimePast: UInt64, now: UInt64) {
        self.expectedHeight = expectedHeight
        self.expectedBits = expectedBits
        self.medianTimePast = medianTimePast
        self.now = now
    }
}

/// Header rules, staged: proof of work needs nothing but the header itself;
/// the rest need the parent chain (`HeaderContext`).
public enum HeaderValidator {
    /// Context-free: the bits decode and the hash meets them.
    public static func checkProofOfWork(_ header: BlockHeader) throws(ValidationError) {
        guard let target = header.bits.target else { throw .invalidTargetEncoding }
        guard header.hash.numericValue <= target else { throw .proofOfWorkTooWeak }
    }

    /// Contextual: target, height and timestamp rules.
    public static func checkContext(_ header: BlockHeader, _ context: HeaderContext,
                                    params: ChainParams) throws(ValidationError) {
        guard header.bits == context.expectedBits else {
            throw .unexpectedTarget(expected: context.expectedBits, actual: header.bits)
        }
        guard header.height == context.expectedHeight else {
            throw .unexpectedHeight(expected: context.expectedHeight, actual: header.height)
        }
        guard header.timestamp > context.medianTimePast else {
            throw .timestampNotAfterMedianTimePast(timestamp: header.timestamp, median: context.medianTimePast)
        }
        let limit = context.now &+ params.maxFutureDrift
        guard header.timestamp <= limit else {
            throw .timestampTooFarInFuture(timestamp: header.timestamp, limit: limit)
        }
    }

    /// Both stages.
    public static func check(_ header: BlockHeader, _ context: HeaderContext,
                             params: ChainParams) throws(ValidationError) {
        try checkProofOfWork(header)
        try checkContext(header, context, params: params)
    }
}
