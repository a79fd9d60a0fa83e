/// How a job's nonce space is split between workers: worker `i` of `n` gets
/// the `i`-th of `n` contiguous, disjoint slices, as equal as the space allows.
/// Together the slices cover the space exactly.
public enum NoncePartition {
    /// Every nonce.
    public static let fullSpace: ClosedRange<UInt64> = 0...UInt64.max

    /// The slice of `space` that worker `index` of `count` scans, or nil when
    /// the space has fewer nonces than workers and this one gets none.
    public static func slice(_ index: Int, of count: Int, in space: ClosedRange<UInt64> = fullSpace)
        -> ClosedRange<UInt64>?
    {
        precondition(count > 0 && index >= 0 && index < count, "worker \(index) of \(count)")
        let total = UInt128(space.upperBound) - UInt128(space.lowerBound) + 1
        let workers = UInt128(count)
        let position = UInt128(index)
        let base = total / workers
        let remainder = total % workers
        let length = base + (position < remainder ? 1 : 0)
        guard length > 0 else { return nil }
        let start = UInt128(space.lowerBound) + position * base + min(position, remainder)
        return UInt64(start)...UInt64(start + length - 1)
    }
}
