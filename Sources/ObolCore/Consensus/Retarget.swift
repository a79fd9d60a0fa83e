/// Difficulty retargeting: a windowed, integer-only rule.
///
/// At every height that is a multiple of `retargetInterval`, the new target is
/// the parent's target scaled by how long the last window took against how
/// long it should have taken. The time taken is clamped to [1/4, 4] of the
/// expected time, so one step changes difficulty by at most 4x, and the result
/// never exceeds the network's maximum target. Between those heights the
/// target stays the parent's.
///
/// Windows overlap by one block: the window measured at height `h` opens at the
/// block that closed the previous window (`h - interval - 1`). A miner who
/// stamps a window's last block late therefore lengthens that window but
/// shortens the next by the same amount, which defeats Bitcoin's "timewarp"
/// (non-overlapping windows let the two be skewed independently).
public enum Retarget {
    /// Whether `height` starts a new difficulty window.
    public static func isRetargetHeight(_ height: UInt64, params: ChainParams) -> Bool {
        params.retargetInterval > 1 && height >= params.retargetInterval && height % params.retargetInterval == 0
    }

    /// The ancestor height whose timestamp opens the window measured for `height`.
    public static func windowStartHeight(for height: UInt64, params: ChainParams) -> UInt64 {
        height > params.retargetInterval ? height - params.retargetInterval - 1 : 0
    }

    /// The bits a block at `height` must carry.
    /// - Parameters:
    ///   - parentBits: the parent block's bits.
    ///   - parentTimestamp: timestamp of the block at `height - 1`.
    ///   - windowStartTimestamp: timestamp of the block at `windowStartHeight(for:)`;
    ///     read only at retarget heights.
    public static func nextBits(height: UInt64, parentBits: CompactTarget, parentTimestamp: UInt64,
                                windowStartTimestamp: UInt64, params: ChainParams) -> CompactTarget {
        guard isRetargetHeight(height, params: params) else { return parentBits }
        // Block gaps between the window's first block and the parent.
        let gaps = height - 1 - windowStartHeight(for: height, params: params)
        let expected = gaps * params.targetBlockTime
        guard expected > 0 else { return parentBits }
        let taken = parentTimestamp > windowStartTimestamp ? parentTimestamp - windowStartTimestamp : 0
        // Clamp the ratio taken/expected to exactly [1/4, 4]. (Clamping `taken`
        // to `expected / 4` would round down and allow more than 4x.)
        let (numerator, denominator): (UInt64, UInt64) =
            taken <= expected / 4 ? (1, 4) : taken >= expected * 4 ? (4, 1) : (taken, expected)
        return CompactTarget(target: scale(parentBits.target ?? params.maxTarget, by: numerator, over: denominator,
                                           max: params.maxTarget))
    }

    /// `target * numerator / denominator`, rounded down, at most `max` and at least one.
    static func scale(_ target: UInt256, by numerator: UInt64, over denominator: UInt64, max: UInt256) -> UInt256 {
        guard denominator > 0 else { return target }
        // target = q * d + r, so target * n / d = q * n + (r * n) / d exactly.
        // Dividing first keeps a near-2^256 target from overflowing when n < d.
        let (q, r) = target.quotientAndRemainder(dividingBy: denominator)
        let (high, overflow) = q.multipliedReportingOverflow(by: numerator)
        if overflow { return max }
        let low = UInt256(r).multipliedReportingOverflow(by: numerator).partialValue  // < 2^128: no overflow
            .quotientAndRemainder(dividingBy: denominator).quotient
        let (result, sumOverflow) = high.addingReportingOverflow(low)
        if sumOverflow { return max }
        if result.isZero { return .one }
        return result > max ? max : result
    }
}

/// The median of the timestamps of the last `medianTimeSpan` blocks.
public enum MedianTimePast {
    public static func of(_ timestamps: some Collection<UInt64>) -> UInt64 {
        guard !timestamps.isEmpty else { return 0 }
        let sorted = timestamps.sorted()
        return sorted[sorted.count / 2]
    }
}
